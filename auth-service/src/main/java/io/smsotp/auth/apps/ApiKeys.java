package io.smsotp.auth.apps;

import io.javalin.http.Context;
import io.smsotp.auth.http.ApiException;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.live.LiveConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.security.MessageDigest;

/**
 * Finds the application behind a bearer API key, in the configuration as it is now (a key made
 * or rotated through the admin API works on the next request).
 *
 * <p>Keys are looked up by their SHA-256, never compared as text: the time a lookup takes then
 * depends on the digest of what the caller sent, which tells nothing about any stored key, and
 * the final comparison of digests is constant-time. A key retired by a rotation keeps working
 * until its {@code until}.
 */
public final class ApiKeys {

    private static final String CALLER = "smsotp.caller";
    private static final String BEARER = "bearer ";
    private static final String REALM = "Bearer realm=\"smsotp\"";

    private record Entry(byte[] digest, AppConfig app, Instant until) {
    }

    private record Index(LiveConfig source, Map<String, Entry> byDigest) {
    }

    private final Supplier<LiveConfig> live;
    private final Clock clock;
    private volatile Index index;

    /** The keys of a fixed list of apps (tests, a service without the live configuration). */
    public ApiKeys(List<AppConfig> apps) {
        this(fixed(apps), Clock.systemUTC());
    }

    public ApiKeys(Supplier<LiveConfig> live, Clock clock) {
        this.live = Objects.requireNonNull(live, "live");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Supplier<LiveConfig> fixed(List<AppConfig> apps) {
        Map<String, AppConfig> byId = new java.util.LinkedHashMap<>();
        apps.forEach(a -> byId.put(a.id(), a));
        LiveConfig config = new LiveConfig(List.of(), byId, io.smsotp.config.RateLimitSettings.defaults(), Map.of(),
                false);
        return () -> config;
    }

    /** The application whose key this is. */
    public Optional<AppConfig> find(String presentedKey) {
        byte[] digest = sha256(Objects.requireNonNull(presentedKey, "presentedKey"));
        Entry entry = index().byDigest().get(HexFormat.of().formatHex(digest));
        if (entry == null || !MessageDigest.isEqual(entry.digest(), digest)) {
            return Optional.empty();
        }
        if (entry.until() != null && !clock.instant().isBefore(entry.until())) {
            return Optional.empty();
        }
        return Optional.of(entry.app());
    }

    private Index index() {
        LiveConfig now = live.get();
        Index i = index;
        if (i != null && i.source() == now) {
            return i;
        }
        Map<String, Entry> byDigest = new HashMap<>();
        for (AppConfig app : now.apps().values()) {
            if (app.apiKey() == null) {
                // an OIDC client only: it has no way into the 2FA API
                continue;
            }
            String hex = app.apiKeySha256();
            byDigest.put(hex, new Entry(HexFormat.of().parseHex(hex), app, null));
            for (AppConfig.RetiredKey retired : app.retiredApiKeys()) {
                byDigest.putIfAbsent(retired.sha256(), new Entry(HexFormat.of().parseHex(retired.sha256()), app,
                        retired.until()));
            }
        }
        Index made = new Index(now, byDigest);
        index = made;
        return made;
    }

    /** Before-handler: the caller must present a known key; its application is kept for the handlers. */
    public void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || header.substring(BEARER.length()).isBlank()) {
            throw ApiException.unauthorized("an application's API key is required: Authorization: Bearer <key>",
                    REALM);
        }
        AppConfig app = find(header.substring(BEARER.length()).strip()).orElseThrow(() ->
                ApiException.unauthorized("unknown API key", REALM + ", error=\"invalid_token\""));
        ctx.attribute(CALLER, app);
    }

    /** The application that made this request; set by {@link #authenticate}. */
    public static AppConfig caller(Context ctx) {
        AppConfig app = ctx.attribute(CALLER);
        if (app == null) {
            // a route outside the filter's path: a wiring mistake, not a client error
            throw new IllegalStateException("no authenticated application on " + ctx.path());
        }
        return app;
    }

    private static byte[] sha256(String key) {
        return HexFormat.of().parseHex(AdminSettings.sha256Hex(key));
    }
}
