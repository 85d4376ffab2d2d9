package io.smsotp.launcher.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect client side of Pickup Dispatch, built from nimbus oauth2-oidc-sdk classes only:
 * discovery, the authentication request (code flow, state, nonce, PKCE S256), the code exchange
 * and ID token validation. It talks to the issuer over HTTP and knows nothing else about it.
 */
final class OidcRelyingParty {

    private static final Logger LOG = LoggerFactory.getLogger(OidcRelyingParty.class);
    /** A login page waits on these, so an issuer that hangs must not hold the user for long. */
    static final int HTTP_TIMEOUT_MILLIS = 5_000;
    static final int JWKS_SIZE_LIMIT = 64 * 1024;
    /** The algorithms smsotp may sign ID tokens with; anything else (above all "none") is refused. */
    static final Set<JWSAlgorithm> ACCEPTED_ALGS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    /** What discovery found, and the validator built on its JWKS URI. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    /** A started login: what to keep in the session and where to send the browser. */
    record Started(Sessions.PendingLogin pending, URI authorizationRequest) {
    }

    private final Issuer issuer;
    private final URI backchannel;
    private final ClientID clientId;
    private final Secret secret;
    private volatile Provider provider;

    OidcRelyingParty(URI issuer, String clientId, String clientSecretOrNull) {
        this(issuer, null, clientId, clientSecretOrNull);
    }

    /**
     * @param backchannelOrNull where this app itself reaches the issuer when that is not the
     *     address browsers use (a container reaches {@code http://proxy:8080} while browsers open
     *     {@code http://localhost:8080}): discovery, token and key set requests go there; the
     *     issuer's name, checked in discovery and in every ID token, stays {@code issuer}
     */
    OidcRelyingParty(URI issuer, URI backchannelOrNull, String clientId, String clientSecretOrNull) {
        this.issuer = new Issuer(Objects.requireNonNull(issuer, "issuer"));
        this.backchannel = backchannelOrNull;
        this.clientId = new ClientID(Objects.requireNonNull(clientId, "clientId"));
        this.secret = clientSecretOrNull == null ? null : new Secret(clientSecretOrNull);
    }

    String issuer() {
        return issuer.getValue();
    }

    /** Builds the authentication request; PKCE always, also for a confidential client (RFC 9700). */
    Started start(URI redirectUri, Instant now) {
        OIDCProviderMetadata md = provider().metadata();
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest request = new AuthenticationRequest.Builder(
                ResponseType.CODE, new Scope("openid"), clientId, redirectUri)
                .endpointURI(md.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        return new Started(new Sessions.PendingLogin(state.getValue(), nonce.getValue(), verifier.getValue(), now),
                request.toURI());
    }

    /**
     * Finishes a login from the URI the browser came back on: checks the state, turns an error
     * response into a page, exchanges the code and validates the ID token.
     *
     * @param pending the login this session started, or null if it has none
     */
    Html.SignedIn finish(URI callback, Sessions.PendingLogin pending, URI redirectUri) {
        AuthenticationResponse response;
        try {
            response = AuthenticationResponseParser.parse(callback);
        } catch (ParseException e) {
            throw new DemoError(400, "Login could not be completed",
                    "The login service sent the browser back with an answer this app does not understand.",
                    null, null, true).asException();
        }
        String state = response.getState() == null ? null : response.getState().getValue();
        if (pending == null || state == null || !sameSecret(state, pending.state())) {
            LOG.info("Callback refused: {}", pending == null ? "no login pending in this session" : "state does not match");
            throw new DemoError(400, "Login could not be completed",
                    "This sign-in answer does not belong to a login started in this browser (it may be old or "
                            + "forged). Please start again.", null, null, true).asException();
        }
        if (response.getIssuer() != null && !response.getIssuer().equals(issuer)) {
            // RFC 9207: an answer naming another issuer is a mix-up attack
            throw DemoError.of(400, "Login could not be completed",
                    "The sign-in answer came from another login service.").asException();
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = ((AuthenticationErrorResponse) response).getErrorObject();
            LOG.info("Login ended with error {} from the issuer", error.getCode());
            throw new DemoError(400, "Login was not completed",
                    "The login service did not sign you in.", error.getCode(), error.getDescription(), true)
                    .asException();
        }
        AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
        if (code == null) {
            throw DemoError.of(400, "Login could not be completed",
                    "The login service sent no authorization code.").asException();
        }
        return validate(exchange(code, redirectUri, pending), pending);
    }

    private JWT exchange(AuthorizationCode code, URI redirectUri, Sessions.PendingLogin pending) {
        Provider p = provider();
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(code, redirectUri,
                new CodeVerifier(pending.codeVerifier()));
        URI tokenEndpoint = p.metadata().getTokenEndpointURI();
        TokenRequest request = secret == null
                ? new TokenRequest.Builder(tokenEndpoint, clientId, grant).build()
                : new TokenRequest.Builder(tokenEndpoint, new ClientSecretBasic(clientId, secret), grant).build();
        TokenResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
            http.setReadTimeout(HTTP_TIMEOUT_MILLIS);
            HTTPResponse answer = http.send();
            response = OIDCTokenResponseParser.parse(answer);
        } catch (IOException e) {
            LOG.warn("Token endpoint {} unreachable: {}", tokenEndpoint, e.toString());
            throw DemoError.of(502, "Login could not be completed",
                    "The login service could not be reached to finish the login. Please try again.").asException();
        } catch (ParseException e) {
            LOG.warn("Token endpoint {} answered something that is not a token response", tokenEndpoint);
            throw DemoError.of(502, "Login could not be completed",
                    "The login service gave an answer this app does not understand.").asException();
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            LOG.info("Token endpoint refused the code: {} (HTTP {})", error.getCode(), error.getHTTPStatusCode());
            throw new DemoError(502, "Login could not be completed",
                    "The login service refused to finish the login.", error.getCode(), error.getDescription(), true)
                    .asException();
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw DemoError.of(502, "Login could not be completed", "The login service sent no ID token.")
                    .asException();
        }
        return idToken;
    }

    private Html.SignedIn validate(JWT idToken, Sessions.PendingLogin pending) {
        IDTokenClaimsSet claims;
        try {
            claims = provider().validator().validate(idToken, new Nonce(pending.nonce()));
        } catch (BadJOSEException | JOSEException e) {
            // the message says why (signature, audience, nonce, expiry); it holds no token material
            LOG.warn("ID token refused: {}", e.getMessage());
            throw new DemoError(502, "Login could not be completed",
                    "The ID token from the login service did not pass validation, so you are not signed in.",
                    "invalid_id_token", e.getMessage(), true).asException();
        }
        List<String> amr = claims.getAMR() == null ? List.of() : claims.getAMR().stream().map(AMR::getValue).toList();
        String authTime = claims.getAuthenticationTime() == null ? "(not given)"
                : claims.getAuthenticationTime().toInstant().toString();
        LOG.info("Signed in: sub={} amr={}", claims.getSubject().getValue(), amr);
        return new Html.SignedIn(claims.getSubject().getValue(), amr, authTime);
    }

    /** Discovery happens at the first login and is retried at the next one until it succeeds. */
    private Provider provider() {
        Provider p = provider;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (provider == null) {
                provider = discover();
            }
            return provider;
        }
    }

    private Provider discover() {
        OIDCProviderMetadata md;
        try {
            md = backchannel == null ? OIDCProviderMetadata.resolve(issuer, OidcRelyingParty::timeouts)
                    : viaBackchannel();
        } catch (IOException | GeneralException e) {
            LOG.warn("Discovery at {} failed, will retry at the next login: {}", issuer, e.toString());
            throw new DemoError(503, "The login service is not available yet",
                    "Pickup Dispatch could not reach the login service at " + issuer.getValue()
                            + ". It may still be starting up; please try again in a moment.", null, null, true)
                    .asException();
        }
        if (md.getAuthorizationEndpointURI() == null || md.getTokenEndpointURI() == null || md.getJWKSetURI() == null) {
            LOG.warn("Discovery at {} lacks an authorization, token or jwks endpoint", issuer);
            throw DemoError.of(503, "The login service is not usable",
                    "The login service at " + issuer.getValue() + " does not publish the endpoints this app needs.")
                    .asException();
        }
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(md.getJWKSetURI().toURL(),
                    new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                    .retrying(true)
                    .build();
        } catch (IOException e) {
            throw DemoError.of(503, "The login service is not usable",
                    "The login service publishes a key set address that is not a URL.").asException();
        }
        IDTokenValidator validator = new IDTokenValidator(issuer, clientId,
                new JWSVerificationKeySelector<>(ACCEPTED_ALGS, keys), null);
        LOG.info("Discovered {}: authorize {}, token {}", issuer, md.getAuthorizationEndpointURI(),
                md.getTokenEndpointURI());
        return new Provider(md, validator);
    }

    private static void timeouts(HTTPRequest http) {
        http.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
        http.setReadTimeout(HTTP_TIMEOUT_MILLIS);
    }

    /** Discovery at the back-channel address; the endpoints this app calls itself are moved there. */
    private OIDCProviderMetadata viaBackchannel() throws IOException, GeneralException {
        String base = backchannel.toString().replaceAll("/+$", "");
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET,
                URI.create(base + "/.well-known/openid-configuration").toURL());
        timeouts(request);
        HTTPResponse response = request.send();
        response.ensureStatusCode(200);
        OIDCProviderMetadata md = OIDCProviderMetadata.parse(response.getContent());
        if (!issuer.equals(md.getIssuer())) {
            throw new GeneralException("discovery at " + base + " names issuer " + md.getIssuer() + ", not " + issuer);
        }
        md.setTokenEndpointURI(moved(md.getTokenEndpointURI(), base));
        md.setJWKSetURI(moved(md.getJWKSetURI(), base));
        return md;
    }

    private URI moved(URI endpoint, String base) {
        String prefix = issuer.getValue().replaceAll("/+$", "");
        if (endpoint == null || !endpoint.toString().startsWith(prefix)) {
            return endpoint;
        }
        return URI.create(base + endpoint.toString().substring(prefix.length()));
    }

    private static boolean sameSecret(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
