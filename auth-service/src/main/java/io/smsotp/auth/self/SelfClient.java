package io.smsotp.auth.self;

import io.smsotp.auth.ApiPaths;
import java.util.List;
import java.util.Objects;

/**
 * One area of smsotp's own pages and the built-in OIDC client it signs in through: its paths, its
 * cookies, and the role a user needs (null: any user).
 *
 * @param basePath every page of the area is this path or under it; the cookies are scoped to it
 * @param excluded paths under {@code basePath} that are not pages of the area (the admin API)
 */
public record SelfClient(String clientId, String basePath, String signInPath, String callbackPath,
                         String signOutPath, String signedOutPath, String requiredRole, List<String> excluded) {

    /** The account page: every user. */
    public static final SelfClient ACCOUNT = new SelfClient(BuiltInClients.ACCOUNT, ApiPaths.ACCOUNT,
            ApiPaths.ACCOUNT_SIGNIN, ApiPaths.ACCOUNT_CALLBACK, ApiPaths.ACCOUNT_SIGNOUT, ApiPaths.ACCOUNT_SIGNED_OUT,
            null, List.of(ApiPaths.ACCOUNT_CSS));

    /** The management console: users with the {@code admin} role. */
    public static final SelfClient CONSOLE = new SelfClient(BuiltInClients.CONSOLE, ApiPaths.CONSOLE,
            ApiPaths.CONSOLE_SIGNIN, ApiPaths.CONSOLE_CALLBACK, ApiPaths.CONSOLE_SIGNOUT, ApiPaths.CONSOLE_SIGNED_OUT,
            "admin", List.of(ApiPaths.CONSOLE_API));

    public SelfClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(basePath, "basePath");
        excluded = List.copyOf(excluded);
    }

    /** The session cookie's name, e.g. {@code smsotp_account_session}. */
    public String sessionCookie() {
        return "smsotp_" + shortName() + "_session";
    }

    /** The cookie that carries state and PKCE verifier through the hosted login, e.g. {@code smsotp_account_signin}. */
    public String signInCookie() {
        return "smsotp_" + shortName() + "_signin";
    }

    /** Whether {@code path} is a page of this area that needs a session. */
    public boolean guards(String path) {
        boolean inArea = path.equals(basePath) || path.startsWith(basePath + "/");
        if (!inArea || path.equals(signInPath) || path.equals(callbackPath) || path.equals(signedOutPath)) {
            return false;
        }
        return excluded.stream().noneMatch(path::startsWith);
    }

    private String shortName() {
        return clientId.substring(BuiltInClients.PREFIX.length());
    }
}
