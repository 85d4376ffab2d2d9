package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * The provider's machine-facing endpoints: discovery, JWKS, token and userinfo. The browser-facing
 * {@value OidcProvider#AUTHORIZE_PATH} belongs to the login pages, which call
 * {@link OidcProvider#validateAuthorizationRequest} and {@link OidcProvider#issueCode}.
 */
public final class OidcRoutes {

    /** RFC 6749 section 5.2 asks for 401 with a challenge when client authentication fails. */
    private static final String TOKEN_CHALLENGE = "Basic realm=\"smsotp\"";

    private OidcRoutes() {
    }

    public static void register(RoutesConfig routes, OidcProvider provider) {
        String discovery = provider.discovery().toJSONObject().toJSONString();
        routes.get(OidcProvider.DISCOVERY_PATH, ctx -> json(ctx, discovery));
        routes.get(OidcProvider.JWKS_PATH, ctx -> json(ctx, provider.jwks()));
        routes.post(OidcProvider.TOKEN_PATH, ctx -> token(ctx, provider));
        routes.get(OidcProvider.USERINFO_PATH, ctx -> send(ctx, provider.userinfo(ctx.header("Authorization")).toHTTPResponse()));
        routes.post(OidcProvider.USERINFO_PATH, ctx -> send(ctx, provider.userinfo(ctx.header("Authorization")).toHTTPResponse()));
    }

    private static void token(Context ctx, OidcProvider provider) {
        HTTPResponse response = provider.token(ctx.formParamMap(), ctx.header("Authorization")).toHTTPResponse();
        if (response.getStatusCode() == 401 && response.getHeaderValue("WWW-Authenticate") == null) {
            response.setHeader("WWW-Authenticate", TOKEN_CHALLENGE);
        }
        // tokens and errors alike must not be cached (RFC 6749 section 5.1); nimbus sets it, this makes sure
        response.setHeader("Cache-Control", "no-store");
        send(ctx, response);
    }

    private static void json(Context ctx, String body) {
        // public, and the same for every caller; a client may cache it for a while
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType("application/json").result(body);
    }

    /** Copies nimbus's response (status, headers, body) onto Javalin's. */
    private static void send(Context ctx, HTTPResponse response) {
        ctx.status(response.getStatusCode());
        for (Map.Entry<String, List<String>> h : response.getHeaderMap().entrySet()) {
            if ("Content-Type".equalsIgnoreCase(h.getKey())) {
                // through Javalin, or its default content type would be sent as well
                ctx.contentType(h.getValue().get(0));
            } else {
                h.getValue().forEach(value -> ctx.res().addHeader(h.getKey(), value));
            }
        }
        String body = response.getBody();
        ctx.result(body == null ? "" : body);
    }
}
