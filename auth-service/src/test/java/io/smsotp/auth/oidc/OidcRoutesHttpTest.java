package io.smsotp.auth.oidc;

import static io.smsotp.auth.oidc.OidcFixture.ALICE;
import static io.smsotp.auth.oidc.OidcFixture.SPA_CB;
import static io.smsotp.auth.oidc.OidcFixture.WEB_CB;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes on a real Javalin server, driven by nimbus's own HTTP client as a relying party would. */
class OidcRoutesHttpTest {

    @TempDir
    Path dataDir;
    OidcFixture fx;
    Javalin app;
    String base;

    @BeforeEach
    void start() {
        fx = new OidcFixture(dataDir);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            OidcRoutes.register(cfg.routes, fx.provider);
        }).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.stop();
        fx.close();
    }

    @Test
    void aClientDiscoversRedeemsItsCodeAndValidatesTheIdTokenOverHttp() throws Exception {
        HTTPResponse discovery = new HTTPRequest(HTTPRequest.Method.GET, URI.create(base + OidcProvider.DISCOVERY_PATH)).send();
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(discovery.getBodyAsJSONObject());
        assertThat(metadata.getTokenEndpointURI()).hasToString(OidcFixture.ISSUER + OidcProvider.TOKEN_PATH);

        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        TokenRequest request = new TokenRequest(URI.create(base + OidcProvider.TOKEN_PATH), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, login.verifier()));
        HTTPResponse http = request.toHTTPRequest().send();

        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        OIDCTokenResponse tokens = OIDCTokenResponseParser.parse(http).toSuccessResponse() instanceof OIDCTokenResponse t ? t : null;
        assertThat(tokens).isNotNull();
        JWKSet jwks = JWKSet.load(URI.create(base + OidcProvider.JWKS_PATH).toURL());
        new IDTokenValidator(new Issuer(OidcFixture.ISSUER), new ClientID("spa"), SigningKeys.ALGORITHM, jwks)
                .validate(tokens.getOIDCTokens().getIDToken(), login.nonce());

        UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(URI.create(base + OidcProvider.USERINFO_PATH),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest().send());
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo("alice");

        // the same code again, over the wire
        HTTPResponse replay = request.toHTTPRequest().send();
        assertThat(replay.getStatusCode()).isEqualTo(400);
        assertThat(TokenErrorResponse.parse(replay).getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aBadSecretIs401WithAChallengeAndAJsonError() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        HTTPResponse http = new TokenRequest(URI.create(base + OidcProvider.TOKEN_PATH),
                new ClientSecretBasic(new ClientID("web"), new Secret("not-the-secret-at-all")),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), WEB_CB, login.verifier())).toHTTPRequest().send();

        assertThat(http.getStatusCode()).isEqualTo(401);
        assertThat(http.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        assertThat(http.getHeaderValue("Content-Type")).startsWith("application/json");
        assertThat(http.getBodyAsJSONObject()).containsKeys("error", "error_description").containsEntry("error", "invalid_client");
    }

    @Test
    void aUserinfoCallWithoutATokenIs401() throws Exception {
        HTTPResponse http = new HTTPRequest(HTTPRequest.Method.GET, URI.create(base + OidcProvider.USERINFO_PATH)).send();

        assertThat(http.getStatusCode()).isEqualTo(401);
        assertThat(http.getHeaderValue("WWW-Authenticate")).startsWith("Bearer");
    }
}
