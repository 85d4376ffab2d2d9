package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.UserInfoErrorResponse;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.jwt.SignedJWT;
import io.smsotp.config.AppConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenID Connect provider's logic, free of HTTP framework types so it can be tested as plain
 * Java: discovery, checking an authorization request, issuing a code after a login, the token
 * endpoint and userinfo. All OAuth/OIDC parsing and all signing is nimbus's.
 */
public final class OidcProvider {

    public static final String DISCOVERY_PATH = io.smsotp.auth.ApiPaths.DISCOVERY;
    public static final String AUTHORIZE_PATH = io.smsotp.auth.ApiPaths.AUTHORIZE;
    public static final String TOKEN_PATH = io.smsotp.auth.ApiPaths.TOKEN;
    public static final String JWKS_PATH = io.smsotp.auth.ApiPaths.JWKS;
    public static final String USERINFO_PATH = io.smsotp.auth.ApiPaths.USERINFO;

    /** Long enough for a browser redirect and a back-channel call, short enough to make a stolen code near worthless. */
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(10);
    public static final Duration ID_TOKEN_LIFETIME = Duration.ofMinutes(10);
    /** 256 random bits each: far beyond guessing, and above the 128 bits RFC 6749 section 10.10 asks for. */
    private static final int RANDOM_BYTES = 32;
    private static final int MAX_NONCE = 512;

    private final Issuer issuer;
    /** The applications now; those with redirect URIs are the OIDC clients. */
    private final java.util.function.Supplier<io.smsotp.config.live.LiveConfig> live;
    private final SigningKeys keys;
    private final GrantStore grants;
    private final Clock clock;

    /**
     * @param issuer the public base URL of auth-service, e.g. {@code https://login.example}; endpoint URLs hang off it
     * @param apps the configured applications; those with redirect URIs are the OIDC clients
     * @param db the user store's database ({@code UserStore.dataSource()}), where codes and tokens live
     */
    public OidcProvider(URI issuer, List<AppConfig> apps, SigningKeys keys, javax.sql.DataSource db, Clock clock) {
        this(issuer, fixed(apps), keys, db, clock);
    }

    private static java.util.function.Supplier<io.smsotp.config.live.LiveConfig> fixed(List<AppConfig> apps) {
        Map<String, AppConfig> byId = new LinkedHashMap<>();
        Objects.requireNonNull(apps, "apps").forEach(a -> byId.put(a.id(), a));
        io.smsotp.config.live.LiveConfig config = new io.smsotp.config.live.LiveConfig(List.of(), byId,
                io.smsotp.config.RateLimitSettings.defaults(), Map.of(), false);
        return () -> config;
    }

    /**
     * @param live the applications as they are now (the live configuration): a client added, changed
     *     or removed through the admin API is in effect from the next request
     */
    public OidcProvider(URI issuer, java.util.function.Supplier<io.smsotp.config.live.LiveConfig> live,
                        SigningKeys keys, javax.sql.DataSource db, Clock clock) {
        this.live = Objects.requireNonNull(live, "live");
        String iss = Objects.requireNonNull(issuer, "issuer").toString();
        // the issuer is compared as a string by clients: one canonical spelling, without a trailing slash
        this.issuer = new Issuer(iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss);
        this.keys = Objects.requireNonNull(keys, "keys");
        this.grants = new GrantStore(db);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The OIDC client {@code id} (an app with redirect URIs), if there is one. */
    public java.util.Optional<AppConfig> client(String id) {
        return java.util.Optional.ofNullable(clientOrNull(id));
    }

    private AppConfig clientOrNull(String id) {
        AppConfig app = id == null ? null : live.get().apps().get(id);
        return app == null || app.redirectUris().isEmpty() ? null : app;
    }

    public Issuer issuer() {
        return issuer;
    }

    /** The public JWK set JSON for {@value #JWKS_PATH}. */
    public String jwks() {
        return keys.jwks();
    }

    /** The discovery document for {@value #DISCOVERY_PATH}. */
    public OIDCProviderMetadata discovery() {
        OIDCProviderMetadata m = new OIDCProviderMetadata(issuer, List.of(SubjectType.PUBLIC), endpoint(JWKS_PATH));
        m.setAuthorizationEndpointURI(endpoint(AUTHORIZE_PATH));
        m.setTokenEndpointURI(endpoint(TOKEN_PATH));
        m.setUserInfoEndpointURI(endpoint(USERINFO_PATH));
        m.setResponseTypes(List.of(ResponseType.CODE));
        m.setResponseModes(List.of(ResponseMode.QUERY));
        m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE));
        m.setIDTokenJWSAlgs(List.of(SigningKeys.ALGORITHM));
        m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        m.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.NONE));
        m.setScopes(new Scope(ScopeClaims.SUPPORTED.toArray(Scope.Value[]::new)));
        m.setClaims(List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr",
                ScopeClaims.PREFERRED_USERNAME, ScopeClaims.PHONE_NUMBER, ScopeClaims.PHONE_NUMBER_VERIFIED));
        return m;
    }

    /**
     * Checks the query of {@code /oauth2/authorize}. The client and its redirect URI are checked
     * first and exactly (no prefix, no extra query); only once both are known may an error be
     * redirected.
     */
    public AuthorizationValidation validateAuthorizationRequest(Map<String, List<String>> params) {
        Objects.requireNonNull(params, "params");
        String clientId = single(params, "client_id");
        String redirect = single(params, "redirect_uri");
        AppConfig client = clientId == null ? null : clientOrNull(clientId);
        if (client == null) {
            return new AuthorizationError(OAuth2Error.INVALID_CLIENT.setDescription("unknown client_id"), null, null);
        }
        if (redirect == null || !client.redirectUris().contains(redirect)) {
            return new AuthorizationError(OAuth2Error.INVALID_REQUEST.setDescription(
                    "redirect_uri is not registered for this client"), null, null);
        }
        URI redirectUri = URI.create(redirect);
        String rawState = single(params, "state");
        // nimbus takes no blank state: one of spaces only is as good as none
        State state = rawState == null || rawState.isBlank() ? null : new State(rawState);
        ErrorObject refused = refusal(params, client);
        if (refused != null) {
            return new AuthorizationError(refused, redirectUri, state);
        }
        AuthenticationRequest request;
        try {
            request = AuthenticationRequest.parse(params);
        } catch (ParseException e) {
            ErrorObject error = e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST;
            // the parser's message may quote the request, whose characters a description may not hold
            return new AuthorizationError(error.setDescription(ErrorObject.removeIllegalChars(e.getMessage())),
                    redirectUri, state);
        } catch (IllegalArgumentException e) {
            // nimbus itself throws this for some bad values (a prompt with a quote) as it words the error
            return new AuthorizationError(OAuth2Error.INVALID_REQUEST.setDescription("a parameter is malformed"),
                    redirectUri, state);
        }
        return new ValidatedRequest(client, redirectUri, ScopeClaims.granted(request.getScope()), state,
                request.getNonce(), request.getCodeChallenge());
    }

    /** What makes a request with a known client and redirect URI unacceptable, or null. */
    private static ErrorObject refusal(Map<String, List<String>> params, AppConfig client) {
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (e.getValue() != null && e.getValue().size() > 1) {
                // RFC 6749 section 3.1: a parameter must not be sent twice
                // the name is the client's text: a character RFC 6749 forbids in a description would throw
                return OAuth2Error.INVALID_REQUEST.setDescription(
                        ErrorObject.removeIllegalChars(e.getKey() + " is repeated"));
            }
        }
        if (!"code".equals(single(params, "response_type"))) {
            return OAuth2Error.UNSUPPORTED_RESPONSE_TYPE.setDescription("only response_type=code is supported");
        }
        String mode = single(params, "response_mode");
        if (mode != null && !"query".equals(mode)) {
            return OAuth2Error.INVALID_REQUEST.setDescription("only response_mode=query is supported");
        }
        if (params.containsKey("request")) {
            return OAuth2Error.REQUEST_NOT_SUPPORTED;
        }
        if (params.containsKey("request_uri")) {
            return OAuth2Error.REQUEST_URI_NOT_SUPPORTED;
        }
        String scope = single(params, "scope");
        if (scope == null || !includesOpenid(scope)) {
            return OAuth2Error.INVALID_SCOPE.setDescription("scope must include openid");
        }
        String nonce = single(params, "nonce");
        if (nonce != null && nonce.length() > MAX_NONCE) {
            return OAuth2Error.INVALID_REQUEST.setDescription("nonce is longer than " + MAX_NONCE + " characters");
        }
        String challenge = single(params, "code_challenge");
        String method = single(params, "code_challenge_method");
        if (challenge == null) {
            if (client.requirePkce()) {
                // RFC 7636 section 4.4.1; RFC 9700 section 2.1.1 asks PKCE of confidential clients too
                return OAuth2Error.INVALID_REQUEST.setDescription(
                        "code_challenge is required: this client must use PKCE with code_challenge_method=S256");
            }
            if (method != null) {
                return OAuth2Error.INVALID_REQUEST.setDescription("code_challenge_method without code_challenge");
            }
        } else if (!"S256".equals(method)) {
            // plain would hand the verifier to anyone who sees the authorization request
            return OAuth2Error.INVALID_REQUEST.setDescription("code_challenge_method must be S256");
        } else if (!challenge.matches("[A-Za-z0-9._~-]{43,128}")) {
            return OAuth2Error.INVALID_REQUEST.setDescription("code_challenge must be 43..128 characters of base64url");
        }
        return null;
    }

    /**
     * After a successful login: a one-time code for {@code request}, stored so that any instance
     * can redeem it within {@link #CODE_LIFETIME}, and the redirect that delivers it.
     *
     * @throws IllegalArgumentException when the client receives the mobile as {@code sub} and the user has none
     */
    public IssuedCode issueCode(ValidatedRequest request, AuthenticatedUser user) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(user, "user");
        String subject = subjectFor(request.client(), user.username(), user.mobile());
        Instant now = clock.instant();
        AuthorizationCode code = new AuthorizationCode(RANDOM_BYTES);
        // granted again here: a login context sealed before an upgrade may carry the scope as asked
        Scope scope = ScopeClaims.granted(request.scope());
        grants.saveCode(code.getValue(), new GrantStore.CodeGrant(request.client().id(), request.redirectUri().toString(),
                request.codeChallenge() == null ? null : request.codeChallenge().getValue(),
                request.nonce() == null ? null : request.nonce().getValue(), subject, user.username(), user.mobile(),
                user.amr(), user.authTime(), now.plus(CODE_LIFETIME), scope.toString()), now);
        URI location = new AuthenticationSuccessResponse(request.redirectUri(), code, null, null, request.state(), null,
                ResponseMode.QUERY).toURI();
        return new IssuedCode(code, location);
    }

    /**
     * The token endpoint: {@code params} is the form body, {@code authorization} the Authorization
     * header (or null). Answers an {@link OIDCTokenResponse} or a {@link TokenErrorResponse};
     * either's {@code toHTTPResponse()} is what goes on the wire.
     */
    public TokenResponse token(Map<String, List<String>> params, String authorization) {
        Objects.requireNonNull(params, "params");
        HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, endpoint(TOKEN_PATH));
        http.setEntityContentType(com.nimbusds.common.contenttype.ContentType.APPLICATION_URLENCODED);
        http.setBody(URLUtils.serializeParameters(params));
        if (authorization != null) {
            http.setAuthorization(authorization);
        }
        TokenRequest request;
        try {
            request = TokenRequest.parse(http);
        } catch (ParseException e) {
            ErrorObject error = e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST;
            return error(error.setDescription(e.getMessage()));
        }
        Optional<AppConfig> client = authenticate(request.getClientAuthentication(), request.getClientID());
        if (client.isEmpty()) {
            return error(OAuth2Error.INVALID_CLIENT.setDescription("client authentication failed"));
        }
        if (!(request.getAuthorizationGrant() instanceof AuthorizationCodeGrant grant)) {
            return error(OAuth2Error.UNSUPPORTED_GRANT_TYPE.setDescription("only authorization_code is supported"));
        }
        // the code is used up by this attempt whatever follows: a code seen by the wrong party is burnt
        Optional<GrantStore.CodeGrant> stored = grants.redeemCode(grant.getAuthorizationCode().getValue());
        Instant now = clock.instant();
        String problem = stored.isEmpty() ? "the code is unknown, expired or already used"
                : problemWith(stored.get(), client.get(), grant, now);
        if (problem != null) {
            return error(OAuth2Error.INVALID_GRANT.setDescription(problem));
        }
        return tokensFor(stored.get(), client.get(), now);
    }

    /** The userinfo endpoint: {@code authorization} is the Authorization header ({@code Bearer <token>}). */
    public UserInfoResponse userinfo(String authorization) {
        BearerAccessToken token;
        try {
            token = BearerAccessToken.parse(authorization);
        } catch (ParseException e) {
            return new UserInfoErrorResponse(e.getErrorObject() instanceof BearerTokenError b ? b : BearerTokenError.MISSING_TOKEN);
        }
        Optional<GrantStore.TokenGrant> grant = grants.findToken(token.getValue());
        if (grant.isEmpty() || !clock.instant().isBefore(grant.get().expiresAt())) {
            return new UserInfoErrorResponse(BearerTokenError.INVALID_TOKEN);
        }
        GrantStore.TokenGrant g = grant.get();
        UserInfo info = new UserInfo(new Subject(g.subject()));
        ScopeClaims.claims(Scope.parse(g.scope()), g.username(), g.mobile(), g.phoneVerified()).forEach(info::setClaim);
        return new UserInfoSuccessResponse(info);
    }

    private Optional<AppConfig> authenticate(ClientAuthentication auth, ClientID clientId) {
        if (auth == null) {
            // no secret presented: only a public client may do that, and PKCE then stands in for it
            AppConfig app = clientId == null ? null : clientOrNull(clientId.getValue());
            return app != null && app.publicClient() ? Optional.of(app) : Optional.empty();
        }
        AppConfig app = clientOrNull(auth.getClientID().getValue());
        if (app == null || app.publicClient() || !(auth instanceof PlainClientSecret secret)) {
            return Optional.empty();
        }
        // digests of equal length, compared in constant time: neither the length nor a prefix of the secret leaks
        boolean match = MessageDigest.isEqual(sha256(secret.getClientSecret().getValue()), sha256(app.clientSecret()));
        return match ? Optional.of(app) : Optional.empty();
    }

    private static String problemWith(GrantStore.CodeGrant stored, AppConfig client, AuthorizationCodeGrant grant,
                                      Instant now) {
        if (!now.isBefore(stored.expiresAt())) {
            return "the code is unknown, expired or already used";
        }
        if (!stored.clientId().equals(client.id())) {
            return "the code was issued to another client";
        }
        if (grant.getRedirectionURI() == null || !stored.redirectUri().equals(grant.getRedirectionURI().toString())) {
            return "redirect_uri differs from the authorization request's";
        }
        CodeVerifier verifier = grant.getCodeVerifier();
        if (stored.codeChallenge() == null) {
            // RFC 9700 section 2.1.1: a verifier without a challenge is an injected code
            return verifier == null ? null : "code_verifier sent but the authorization request had no code_challenge";
        }
        if (verifier == null) {
            return "code_verifier is required";
        }
        String computed = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                stored.codeChallenge().getBytes(StandardCharsets.US_ASCII)) ? null : "code_verifier does not match";
    }

    private TokenResponse tokensFor(GrantStore.CodeGrant stored, AppConfig client, Instant now) {
        Scope scope = Scope.parse(stored.scope());
        // phone_number_verified: this login's SMS code went to the number and came back
        boolean phoneVerified = stored.mobile() != null && stored.amr().contains(AuthenticatedUser.AMR_SMS);
        BearerAccessToken access = new BearerAccessToken(RANDOM_BYTES, ACCESS_TOKEN_LIFETIME.toSeconds(), scope);
        grants.saveToken(access.getValue(), new GrantStore.TokenGrant(client.id(), stored.subject(), stored.username(),
                stored.mobile(), now.plus(ACCESS_TOKEN_LIFETIME), scope.toString(), phoneVerified), now);
        IDTokenClaimsSet claims = new IDTokenClaimsSet(issuer, new Subject(stored.subject()),
                List.of(new Audience(client.id())), Date.from(now.plus(ID_TOKEN_LIFETIME)), Date.from(now));
        claims.setAuthenticationTime(Date.from(stored.authTime()));
        if (stored.nonce() != null) {
            claims.setNonce(new Nonce(stored.nonce()));
        }
        claims.setAMR(stored.amr().stream().map(AMR::new).toList());
        ScopeClaims.claims(scope, stored.username(), stored.mobile(), phoneVerified).forEach(claims::setClaim);
        try {
            SignedJWT idToken = SignedJWT.parse(keys.sign(claims.toJWTClaimsSet()));
            return new OIDCTokenResponse(new OIDCTokens(idToken, access, null));
        } catch (com.nimbusds.oauth2.sdk.ParseException | java.text.ParseException e) {
            throw new IllegalStateException("cannot build an ID token", e);
        }
    }

    static String subjectFor(AppConfig client, String username, String mobile) {
        if (AppConfig.SUBJECT_MOBILE.equals(client.subjectClaim())) {
            if (mobile == null) {
                throw new IllegalArgumentException("app '" + client.id() + "' receives the mobile number as sub,"
                        + " and this user has none");
            }
            return mobile;
        }
        return username;
    }

    private static TokenErrorResponse error(ErrorObject error) {
        return new TokenErrorResponse(error);
    }

    private URI endpoint(String path) {
        return URI.create(issuer.getValue() + path);
    }

    private static boolean includesOpenid(String scope) {
        try {
            return Scope.parse(scope).contains(OIDCScopeValue.OPENID);
        } catch (IllegalArgumentException e) {
            // a token of control characters only, which nimbus cannot hold as a scope value
            return false;
        }
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static byte[] sha256(String value) {
        return GrantStore.sha256(value).getBytes(StandardCharsets.US_ASCII);
    }
}
