package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.config.DatabaseSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** A provider on a real H2 user store in a temp dir, with four apps and a clock the test moves. */
final class OidcFixture implements AutoCloseable {

    static final URI ISSUER = URI.create("https://login.example");
    static final URI SPA_CB = URI.create("https://spa.example/cb");
    static final URI WEB_CB = URI.create("https://web.example/cb");
    static final String WEB_SECRET = "web-secret-0123456789";
    static final AppConfig SPA = new AppConfig("spa", "SPA", null, null, List.of(SPA_CB.toString()), null, null,
            null, null, null, null, null);
    static final AppConfig WEB = new AppConfig("web", "Web", null, null, List.of(WEB_CB.toString()), WEB_SECRET, null,
            AppConfig.SUBJECT_MOBILE, null, null, null, null);
    static final URI LEGACY_CB = URI.create("https://legacy.example/cb");
    /** A confidential client that opted out of PKCE. */
    static final AppConfig LEGACY = new AppConfig("legacy", "Legacy", null, null, List.of(LEGACY_CB.toString()),
            WEB_SECRET, null, null, null, null, null, null, null, false);
    static final AppConfig API_ONLY = new AppConfig("api", null, "api-key-0123456789abcdef", null);
    // near the real time: nimbus's IDTokenValidator checks exp and iat against the system clock
    static final Instant AUTH_TIME = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(5);
    static final AuthenticatedUser ALICE = new AuthenticatedUser("alice", "+15551234567",
            List.of(AuthenticatedUser.AMR_PASSWORD, AuthenticatedUser.AMR_SMS), AUTH_TIME);

    final MovableClock clock = new MovableClock(AUTH_TIME.plusSeconds(5));
    final UserStore store;
    final SigningKeys keys;
    final OidcProvider provider;

    OidcFixture(java.nio.file.Path dataDir) {
        store = UserStore.open(DatabaseSettings.defaults(), dataDir);
        keys = SigningKeys.loadOrCreate(dataDir);
        provider = new OidcProvider(ISSUER, List.of(SPA, WEB, LEGACY, API_ONLY), keys, store.dataSource(), clock);
    }

    /** A client's side of one login: what it sent and remembers. */
    record Login(AuthenticationRequest request, CodeVerifier verifier) {
        State state() {
            return request.getState();
        }

        Nonce nonce() {
            return request.getNonce();
        }
    }

    static Login login(String clientId, URI redirect, boolean pkce) {
        return login(clientId, redirect, pkce, "openid");
    }

    /** A login asking for {@code scope}, space-separated as on the wire ({@code "openid phone"}). */
    static Login login(String clientId, URI redirect, boolean pkce, String scope) {
        CodeVerifier verifier = pkce ? new CodeVerifier() : null;
        AuthenticationRequest.Builder b = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse(scope),
                new ClientID(clientId), redirect).state(new State()).nonce(new Nonce())
                .endpointURI(URI.create(ISSUER + OidcProvider.AUTHORIZE_PATH));
        if (pkce) {
            b.codeChallenge(verifier, CodeChallengeMethod.S256);
        }
        return new Login(b.build(), verifier);
    }

    /** Validates the login's request, "logs in" {@code user} and parses the redirect as the client would. */
    AuthorizationCode authorize(Login login, AuthenticatedUser user) throws Exception {
        ValidatedRequest valid = (ValidatedRequest) provider.validateAuthorizationRequest(login.request().toParameters());
        IssuedCode issued = provider.issueCode(valid, user);
        AuthenticationSuccessResponse response = AuthenticationResponseParser.parse(issued.redirectLocation())
                .toSuccessResponse();
        if (!login.state().equals(response.getState())) {
            throw new AssertionError("state not echoed");
        }
        return response.getAuthorizationCode();
    }

    /** Sends nimbus's token request to the provider, as the route would: form body and Authorization header. */
    HTTPResponse token(TokenRequest request) {
        HTTPRequest http = request.toHTTPRequest();
        return provider.token(URLUtils.parseParameters(http.getBody()), http.getAuthorization()).toHTTPResponse();
    }

    @Override
    public void close() {
        store.close();
    }

    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
