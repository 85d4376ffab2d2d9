package io.smsotp.auth.apps;

import io.javalin.http.Context;
import io.smsotp.auth.http.ApiException;
import io.smsotp.config.AppConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the application behind a bearer API key.
 *
 * <p>Keys are looked up by their SHA-256, never compared as text: the time a lookup takes then
 * depends on the digest of what the caller sent, which tells nothing about any stored key, and
 * the final comparison of digests is constant-time.
 */
public final class ApiKeys {

    private static final String CALLER = "smsotp.caller";
    private static final String BEARER = "bearer ";
    private static final String REALM = "Bearer realm=\"smsotp\"";

    private record Entry(byte[] digest, AppConfig app) {
    }

    private final Map<String, Entry> byDigest = new HashMap<>();

    public ApiKeys(List<AppConfig> apps) {
        for (AppConfig app : apps) {
            if (app.apiKey() == null) {
                // an OIDC client only: it has no way into the 2FA API
                continue;
            }
            byte[] digest = sha256(app.apiKey());
            byDigest.put(HexFormat.of().formatHex(digest), new Entry(digest, app));
        }
    }

    /** The application whose key this is. */
    public Optional<AppConfig> find(String presentedKey) {
        byte[] digest = sha256(Objects.requireNonNull(presentedKey, "presentedKey"));
        Entry entry = byDigest.get(HexFormat.of().formatHex(digest));
        return entry != null && MessageDigest.isEqual(entry.digest(), digest) ? Optional.of(entry.app()) : Optional.empty();
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
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
