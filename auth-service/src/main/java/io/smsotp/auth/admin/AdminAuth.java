package io.smsotp.auth.admin;

import io.javalin.http.Context;
import io.smsotp.auth.http.ApiException;
import io.smsotp.config.AdminSettings;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who is calling the admin API: automation with one of {@code admin.apiKeys}, or a person signed
 * in to the console (set by the console's session filter before this runs). An application's API
 * key never opens it: those are looked up elsewhere, and no admin key digest equals one by chance.
 */
public final class AdminAuth {

    private static final String ADMIN = "smsotp.admin";
    private static final String BEARER = "bearer ";
    private static final String REALM = "Bearer realm=\"smsotp-admin\"";

    /** The authenticated admin: how the audit names them ({@code key:1a2b3c4d}, {@code admin:alice}). */
    public record Admin(String actor) {
        public Admin {
            Objects.requireNonNull(actor, "actor");
        }
    }

    private final List<byte[]> digests;

    public AdminAuth(AdminSettings settings) {
        this.digests = settings.keyDigests().stream().map(HexFormat.of()::parseHex).toList();
    }

    /**
     * Before-handler of the admin API: a console session (already on the request) or a known admin
     * key in {@code Authorization: Bearer}; else 401.
     */
    public void authenticate(Context ctx) {
        if (ctx.attribute(ADMIN) != null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || header.substring(BEARER.length()).isBlank()) {
            throw ApiException.unauthorized("an admin API key is required: Authorization: Bearer <key>", REALM);
        }
        String presented = header.substring(BEARER.length()).strip();
        byte[] digest = HexFormat.of().parseHex(AdminSettings.sha256Hex(presented));
        boolean known = false;
        for (byte[] d : digests) {
            // every key compared, each in constant time: which one matched does not show in the timing
            known |= MessageDigest.isEqual(d, digest);
        }
        if (!known) {
            throw ApiException.unauthorized("unknown admin API key", REALM + ", error=\"invalid_token\"");
        }
        ctx.attribute(ADMIN, new Admin("key:" + HexFormat.of().formatHex(digest).substring(0, 8)));
    }

    /** Marks the request as made by the console's signed-in admin {@code username}. */
    public static void signedIn(Context ctx, String username) {
        ctx.attribute(ADMIN, new Admin("admin:" + username));
    }

    /** The admin making this request; set by {@link #authenticate}. */
    public static Admin admin(Context ctx) {
        Admin admin = ctx.attribute(ADMIN);
        if (admin == null) {
            throw new IllegalStateException("no authenticated admin on " + ctx.path());
        }
        return admin;
    }
}
