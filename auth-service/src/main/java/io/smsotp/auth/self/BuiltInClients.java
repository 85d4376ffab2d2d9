package io.smsotp.auth.self;

import io.smsotp.auth.ApiPaths;
import io.smsotp.config.AppConfig;
import io.smsotp.config.live.LiveConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OIDC clients smsotp's own pages sign in through: {@value #ACCOUNT} (the account page) and
 * {@value #CONSOLE} (the management console). They exist on every instance without being in
 * the configuration topic, so no operator can remove or weaken them, and every app id that
 * starts with {@value #PREFIX} is reserved for them.
 *
 * <p>Both are public clients with PKCE S256 and steps basic then smsOTP. {@code allowUserDisable}
 * is off, so a user who turned SMS codes off is still asked for one here ({@code SecondStep}).
 * {@code smsOtpMandatory} is off too, on purpose: in the login it does not make the code required
 * (that is already so) but refuses such a user outright, which would lock them out of the very
 * page where they turn codes back on. Backup codes are taken in place of the SMS code, as the way
 * in for a user whose phone is lost.
 */
public final class BuiltInClients {

    /** App ids starting with this (in any case) belong to smsotp itself. */
    public static final String PREFIX = "smsotp-";
    public static final String ACCOUNT = PREFIX + "account";
    public static final String CONSOLE = PREFIX + "console";

    private static final Logger LOG = LoggerFactory.getLogger(BuiltInClients.class);

    private BuiltInClients() {
    }

    /** Whether {@code id} is reserved for a built-in client: the admin API must refuse to create, change or delete it. */
    public static boolean isReserved(String id) {
        return id != null && id.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** The built-in clients for {@code issuer} (their redirect URIs hang off it). */
    public static List<AppConfig> apps(URI issuer) {
        String base = withoutTrailingSlash(Objects.requireNonNull(issuer, "issuer").toString());
        return List.of(client(ACCOUNT, "smsotp account", base + ApiPaths.ACCOUNT_CALLBACK),
                client(CONSOLE, "smsotp console", base + ApiPaths.CONSOLE_CALLBACK));
    }

    /**
     * {@code source}'s configuration with the built-in clients in it, replacing any app of a
     * reserved id there (one the file seeded, say). Recomputed only when {@code source} gives a
     * new configuration, so a request pays one reference comparison.
     */
    public static Supplier<LiveConfig> around(Supplier<LiveConfig> source, URI issuer) {
        return new WithBuiltIns(Objects.requireNonNull(source, "source"), apps(issuer));
    }

    private static AppConfig client(String id, String name, String redirectUri) {
        return new AppConfig(id, name, null, null, List.of(redirectUri), null, AppConfig.STEPS_BASIC_SMS,
                AppConfig.SUBJECT_USERNAME, false, false, true, false, null, true);
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static final class WithBuiltIns implements Supplier<LiveConfig> {

        private record Cached(LiveConfig source, LiveConfig withBuiltIns) {
        }

        private final Supplier<LiveConfig> source;
        private final List<AppConfig> builtIns;
        private volatile Cached cached;

        WithBuiltIns(Supplier<LiveConfig> source, List<AppConfig> builtIns) {
            this.source = source;
            this.builtIns = builtIns;
        }

        @Override
        public LiveConfig get() {
            LiveConfig now = source.get();
            Cached c = cached;
            if (c != null && c.source() == now) {
                return c.withBuiltIns();
            }
            Map<String, AppConfig> apps = new LinkedHashMap<>();
            for (AppConfig app : now.apps().values()) {
                if (isReserved(app.id())) {
                    LOG.warn("app '{}' is left out: ids starting with '{}' are smsotp's own", app.id(), PREFIX);
                } else {
                    apps.put(app.id(), app);
                }
            }
            builtIns.forEach(a -> apps.put(a.id(), a));
            LiveConfig with = new LiveConfig(now.providers(), apps, now.rateLimits(), now.entries(), now.fromTopic());
            // two threads may both compute this once: the same value, and no lock on the request path
            cached = new Cached(now, with);
            return with;
        }
    }
}
