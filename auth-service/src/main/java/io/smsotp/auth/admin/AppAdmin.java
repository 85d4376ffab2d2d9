package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.self.BuiltInClients;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The applications of the live configuration: read, add, replace, remove, and make new API keys
 * and client secrets. Bodies are {@code apps[]} items of the config file, judged by its rules.
 * The server makes every key and secret and shows it once; the topic keeps an API key only as its
 * SHA-256. Each write drops the retired keys whose overlap has ended.
 */
public final class AppAdmin {

    /** How long a replaced API key works on when the rotation names no overlap. */
    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    /** The longest overlap: a retired key is a second key to the same app, kept for a switch-over only. */
    public static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private static final ConfigKind KIND = ConfigKind.APP;

    /** A new application and its secrets, shown this once. */
    public record Created(Versioned app, String apiKey, String clientSecret) {
    }

    /** A new API key, and when the one it replaced stops working. */
    public record RotatedKey(String apiKey, Instant retiredUntil) {
    }

    private final LiveEntries entries;
    private final Clock clock;

    AppAdmin(LiveEntries entries, Clock clock) {
        this.entries = Objects.requireNonNull(entries, "entries");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Every application, masked. */
    public List<JsonNode> list() {
        return entries.all(KIND).stream().map(e -> SecretMask.mask(KIND, e.body())).toList();
    }

    /** One application, masked, with its version; 404 when there is none. */
    public Versioned get(String id) {
        return LiveEntries.shown(entries.entry(KIND, id));
    }

    /**
     * Adds an application with a new API key, and a new client secret when it has redirect URIs
     * and is not {@code "publicClient": true}; 409 when the id is taken.
     */
    public Created create(String actor, JsonNode body) {
        ObjectNode tree = AdminBodies.copy(body);
        for (String field : List.of("apiKey", "clientSecret", "retiredApiKeys")) {
            if (tree.has(field)) {
                throw AdminBodies.invalid(field + ": made by the server: leave it out (the answer shows it once)");
            }
        }
        boolean publicClient = publicClient(tree);
        String apiKey = AppSecrets.newApiKey();
        tree.put("apiKey", apiKey);
        String secret = null;
        if (tree.path("redirectUris").isArray() && !tree.path("redirectUris").isEmpty() && !publicClient) {
            secret = AppSecrets.newClientSecret();
            tree.put("clientSecret", secret);
        }
        AppConfig app = ConfigLoader.bindPart(tree, AppConfig.class);
        if (BuiltInClients.isReserved(app.id())) {
            // the built-in clients are on every instance, outside the topic: one there would never be used
            throw AdminBodies.invalid("id: ids starting with " + BuiltInClients.PREFIX + " are smsotp's own "
                    + "(its account page and console)");
        }
        AppConfig stored = app.withApiKey(hashed(apiKey), List.of());
        LiveConfig after = entries.write(actor, List.of(new ConfigWriter.Change(KIND, app.id(),
                ConfigLoader.treeOf(stored), null, ConfigWriter.ABSENT, "app.create")));
        return new Created(LiveEntries.shown(after, KIND, app.id()), apiKey, secret);
    }

    /**
     * Replaces application {@code id}. Its API key and client secret are {@code ***} to keep them,
     * or left out to remove them; its retired keys stay.
     */
    public Versioned replace(String actor, String id, JsonNode body, Long ifMatch) {
        return LiveEntries.update(ifMatch, () -> {
            ConfigEntry current = entries.entry(KIND, id);
            AppConfig was = ConfigLoader.bindPart(current.body(), AppConfig.class);
            ObjectNode tree = AdminBodies.copy(body);
            AdminBodies.requireId(tree, "id", id);
            // the server's to keep: a masked answer sent back shows only their number
            tree.remove("retiredApiKeys");
            AdminBodies.keepServerSecret(tree, "apiKey", was.apiKey(), ApiPaths.adminApp(id) + "/rotate-key");
            AdminBodies.keepServerSecret(tree, "clientSecret", was.clientSecret(),
                    ApiPaths.adminApp(id) + "/rotate-secret");
            AppConfig app = ConfigLoader.bindPart(tree, AppConfig.class);
            return write(actor, current, app.withApiKey(app.apiKey(), stillWorking(was)), ifMatch, "app.replace");
        });
    }

    /** Removes application {@code id}; its keys stop working at once. */
    public void delete(String actor, String id, Long ifMatch) {
        entries.write(actor, List.of(new ConfigWriter.Change(KIND, id, null, null,
                ifMatch == null ? ConfigWriter.ANY : ifMatch, "app.delete")));
    }

    /**
     * Gives application {@code id} a new API key; the old one works on for {@code overlap} (null:
     * {@link #DEFAULT_OVERLAP}; zero: it stops at once).
     */
    public RotatedKey rotateKey(String actor, String id, Duration overlap, Long ifMatch) {
        Duration o = overlap == null ? DEFAULT_OVERLAP : overlap;
        if (o.isNegative() || o.compareTo(MAX_OVERLAP) > 0) {
            throw AdminBodies.invalid("overlap: must be from PT0S to " + MAX_OVERLAP + ", was " + o);
        }
        return LiveEntries.update(ifMatch, () -> {
            ConfigEntry current = entries.entry(KIND, id);
            AppConfig was = ConfigLoader.bindPart(current.body(), AppConfig.class);
            Instant now = clock.instant();
            Instant until = now.plus(o);
            List<AppConfig.RetiredKey> retired = new ArrayList<>(stillWorking(was));
            if (was.apiKey() != null && !o.isZero()) {
                retired.add(new AppConfig.RetiredKey(was.apiKeySha256(), until));
            }
            String key = AppSecrets.newApiKey();
            write(actor, current, was.withApiKey(hashed(key), retired), ifMatch, "app.rotateKey");
            return new RotatedKey(key, was.apiKey() == null ? now : until);
        });
    }

    /** Gives application {@code id} a new OIDC client secret; the old one stops at once. */
    public String rotateSecret(String actor, String id, Long ifMatch) {
        return LiveEntries.update(ifMatch, () -> {
            ConfigEntry current = entries.entry(KIND, id);
            AppConfig was = ConfigLoader.bindPart(current.body(), AppConfig.class);
            if (was.redirectUris().isEmpty()) {
                throw AdminBodies.invalid("clientSecret: app '" + id + "' has no redirectUris: it is no OIDC client");
            }
            String secret = AppSecrets.newClientSecret();
            AppConfig next = was.withApiKey(was.apiKey(), stillWorking(was)).withClientSecret(secret);
            write(actor, current, next, ifMatch, "app.rotateSecret");
            return secret;
        });
    }

    private Versioned write(String actor, ConfigEntry current, AppConfig app, Long ifMatch, String action) {
        LiveConfig after = entries.write(actor, List.of(new ConfigWriter.Change(KIND, app.id(),
                ConfigLoader.treeOf(app), null, LiveEntries.expect(ifMatch, current), action)));
        return LiveEntries.shown(after, KIND, app.id());
    }

    /** The retired keys whose overlap has not ended. */
    private List<AppConfig.RetiredKey> stillWorking(AppConfig app) {
        Instant now = clock.instant();
        return app.retiredApiKeys().stream().filter(k -> k.until().isAfter(now)).toList();
    }

    /** Reads and removes {@code publicClient}, which is no field of the file. */
    private static boolean publicClient(ObjectNode tree) {
        JsonNode value = tree.remove("publicClient");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw AdminBodies.invalid("publicClient: must be true or false");
        }
        return value.booleanValue();
    }

    private static String hashed(String key) {
        return AdminSettings.SHA256_PREFIX + AdminSettings.sha256Hex(key);
    }
}
