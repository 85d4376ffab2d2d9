package io.smsotp.launcher.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal OpenID provider for testing Pickup Dispatch before smsotp's own login pages exist:
 * discovery, a JWKS with one EC key, an authorize endpoint that signs "alice" in at once, and a
 * token endpoint that checks the code, redirect URI, PKCE verifier and client authentication.
 * Its {@link #trick} makes it misbehave the way a broken or hostile provider would.
 */
final class StandInIssuer {

    enum Trick { NONE, DENY, BAD_SIGNATURE, WRONG_NONCE, WRONG_AUDIENCE, REFUSE_CODE }

    /** What /authorize received, for tests to inspect. */
    record Authorization(String clientId, URI redirectUri, String nonce, String challenge,
                         String challengeMethod, String responseType, String scope) {
    }

    /** How the last token request authenticated: "client_secret_basic" or "none". */
    volatile String lastClientAuth;
    /** The Host header of the last discovery and token requests. */
    volatile String lastDiscoveryHost;
    volatile String lastTokenHost;
    /** The name it gives itself (metadata, ID tokens) when browsers reach it by another address; null: its own. */
    volatile URI publicName;
    volatile Authorization lastAuthorization;
    volatile Trick trick = Trick.NONE;

    private final String clientId;
    private final String clientSecret;
    private final ECKey key;
    private final ECKey otherKey;
    private final Map<String, Authorization> codes = new ConcurrentHashMap<>();
    private final int port;
    private Javalin app;

    /** @param clientSecret null: the client is public and must send its client_id */
    StandInIssuer(int port, String clientId, String clientSecret) {
        this.port = port;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
            // same kid: a token signed with it looks right and must fail on the signature alone
            this.otherKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    StandInIssuer start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/.well-known/openid-configuration", this::discovery);
            cfg.routes.get("/jwks", ctx -> ctx.contentType("application/json")
                    .result(new JWKSet(key.toPublicJWK()).toString()));
            cfg.routes.get("/authorize", this::authorize);
            cfg.routes.post("/token", this::token);
        }).start("127.0.0.1", port);
        return this;
    }

    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    URI issuer() {
        URI named = publicName;
        return named != null ? named : URI.create("http://127.0.0.1:" + app.port());
    }

    static URI issuerAt(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void discovery(Context ctx) {
        lastDiscoveryHost = ctx.header("Host");
        URI base = issuer();
        OIDCProviderMetadata md = new OIDCProviderMetadata(new Issuer(base), List.of(SubjectType.PUBLIC),
                URI.create(base + "/jwks"));
        md.setAuthorizationEndpointURI(URI.create(base + "/authorize"));
        md.setTokenEndpointURI(URI.create(base + "/token"));
        md.setIDTokenJWSAlgs(List.of(JWSAlgorithm.ES256));
        md.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        ctx.contentType("application/json").result(md.toJSONObject().toJSONString());
    }

    private void authorize(Context ctx) throws ParseException {
        AuthenticationRequest req = AuthenticationRequest.parse(URI.create(ctx.fullUrl()));
        Authorization a = new Authorization(req.getClientID().getValue(), req.getRedirectionURI(),
                req.getNonce() == null ? null : req.getNonce().getValue(),
                req.getCodeChallenge() == null ? null : req.getCodeChallenge().getValue(),
                req.getCodeChallengeMethod() == null ? null : req.getCodeChallengeMethod().getValue(),
                req.getResponseType().toString(), req.getScope().toString());
        lastAuthorization = a;
        if (!a.clientId().equals(clientId) || !req.getResponseType().equals(ResponseType.CODE)) {
            ctx.status(HttpStatus.BAD_REQUEST).result("unknown client or response type");
            return;
        }
        String state = URLEncoder.encode(req.getState().getValue(), StandardCharsets.UTF_8);
        if (trick == Trick.DENY) {
            ctx.redirect(a.redirectUri() + "?error=access_denied&error_description="
                    + URLEncoder.encode("The user said <b>no</b> & left", StandardCharsets.UTF_8)
                    + "&state=" + state, HttpStatus.FOUND);
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, a);
        ctx.redirect(a.redirectUri() + "?code=" + code + "&state=" + state, HttpStatus.FOUND);
    }

    private void token(Context ctx) throws Exception {
        lastTokenHost = ctx.header("Host");
        Authorization a = codes.remove(String.valueOf(ctx.formParam("code")));
        String auth = ctx.header("Authorization");
        boolean clientOk;
        if (clientSecret != null) {
            ClientSecretBasic basic = auth == null ? null : ClientSecretBasic.parse(auth);
            clientOk = basic != null && basic.getClientID().getValue().equals(clientId)
                    && MessageDigest.isEqual(basic.getClientSecret().getValueBytes(),
                    clientSecret.getBytes(StandardCharsets.UTF_8));
            lastClientAuth = auth == null ? "none" : "client_secret_basic";
        } else {
            clientOk = auth == null && clientId.equals(ctx.formParam("client_id"));
            lastClientAuth = auth == null ? "none" : "client_secret_basic";
        }
        if (!clientOk) {
            ctx.status(HttpStatus.UNAUTHORIZED).json(Map.of("error", "invalid_client"));
            return;
        }
        String verifier = ctx.formParam("code_verifier");
        boolean pkceOk = a != null && verifier != null && "S256".equals(a.challengeMethod())
                && CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).getValue()
                .equals(a.challenge());
        if (trick == Trick.REFUSE_CODE || a == null || !pkceOk
                || !"authorization_code".equals(ctx.formParam("grant_type"))
                || !a.redirectUri().toString().equals(ctx.formParam("redirect_uri"))) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "invalid_grant",
                    "error_description", "code, verifier or redirect URI do not match"));
            return;
        }
        ctx.json(Map.of("access_token", UUID.randomUUID().toString(), "token_type", "Bearer",
                "expires_in", 300, "id_token", idToken(a)));
    }

    private String idToken(Authorization a) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer().toString())
                .subject("alice")
                .audience(trick == Trick.WRONG_AUDIENCE ? "someone-else" : a.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", trick == Trick.WRONG_NONCE ? "not-the-nonce" : a.nonce())
                .claim("auth_time", now.getEpochSecond() - 5)
                .claim("amr", List.of("pwd", "sms"))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(trick == Trick.BAD_SIGNATURE ? otherKey : key));
        return jwt.serialize();
    }
}
