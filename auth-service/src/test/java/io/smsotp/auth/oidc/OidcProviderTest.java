package io.smsotp.auth.oidc;

import static io.smsotp.auth.oidc.OidcFixture.ALICE;
import static io.smsotp.auth.oidc.OidcFixture.AUTH_TIME;
import static io.smsotp.auth.oidc.OidcFixture.SPA_CB;
import static io.smsotp.auth.oidc.OidcFixture.WEB_CB;
import static io.smsotp.auth.oidc.OidcFixture.WEB_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OidcProviderTest {

    @TempDir
    Path dataDir;
    OidcFixture fx;

    @BeforeEach
    void open() {
        fx = new OidcFixture(dataDir);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void discoveryDescribesTheCodeFlowWithPkce() throws Exception {
        // parsed back by nimbus, as a client library would read it
        OIDCProviderMetadata m = OIDCProviderMetadata.parse(fx.provider.discovery().toJSONObject().toJSONString());

        assertThat(m.getIssuer().getValue()).isEqualTo("https://login.example");
        assertThat(m.getAuthorizationEndpointURI()).hasToString("https://login.example/oauth2/authorize");
        assertThat(m.getTokenEndpointURI()).hasToString("https://login.example/oauth2/token");
        assertThat(m.getJWKSetURI()).hasToString("https://login.example/oauth2/jwks");
        assertThat(m.getUserInfoEndpointURI()).hasToString("https://login.example/oauth2/userinfo");
        assertThat(m.getResponseTypes()).extracting(Object::toString).containsExactly("code");
        assertThat(m.getGrantTypes()).extracting(Object::toString).containsExactly("authorization_code");
        assertThat(m.getSubjectTypes()).extracting(Object::toString).containsExactly("public");
        assertThat(m.getIDTokenJWSAlgs()).containsExactly(SigningKeys.ALGORITHM);
        assertThat(m.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(m.getTokenEndpointAuthMethods()).extracting(Object::toString)
                .containsExactly("client_secret_basic", "client_secret_post", "none");
        assertThat(m.getScopes().toStringList()).containsExactly("openid", "profile", "phone");
        assertThat(m.getClaims()).containsExactlyInAnyOrder("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr",
                "preferred_username", "phone_number", "phone_number_verified");
    }

    @Test
    void publicClientCompletesTheCodeFlowWithPkce() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        OIDCTokenResponse tokens = success(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(code, SPA_CB, login.verifier()))));

        IDTokenClaimsSet id = validate(tokens.getOIDCTokens().getIDToken(), "spa", login);
        assertThat(id.getSubject().getValue()).isEqualTo("alice");
        assertThat(id.getAuthenticationTime()).isEqualTo(Date.from(AUTH_TIME));
        assertThat(id.getAMR()).containsExactly(AMR.PWD, new AMR("sms"));
        assertThat(tokens.getOIDCTokens().getIDToken().getHeader().toJSONObject()).containsEntry("kid", fx.keys.keyId());
    }

    @Test
    void confidentialClientAuthenticatesWithBasicAndGetsTheMobileAsSubject() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        OIDCTokenResponse tokens = success(fx.token(new TokenRequest(endpoint(),
                new ClientSecretBasic(new ClientID("web"), new Secret(WEB_SECRET)),
                new AuthorizationCodeGrant(code, WEB_CB, login.verifier()))));

        IDTokenClaimsSet id = validate(tokens.getOIDCTokens().getIDToken(), "web", login);
        assertThat(id.getSubject().getValue()).isEqualTo("+15551234567");
        assertThat(id.getAudience()).extracting(Object::toString).containsExactly("web");
    }

    @Test
    void confidentialClientAuthenticatesWithPostAndPkce() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        OIDCTokenResponse tokens = success(fx.token(new TokenRequest(endpoint(),
                new ClientSecretPost(new ClientID("web"), new Secret(WEB_SECRET)),
                new AuthorizationCodeGrant(code, WEB_CB, login.verifier()))));

        assertThat(validate(tokens.getOIDCTokens().getIDToken(), "web", login).getSubject().getValue()).isEqualTo("+15551234567");
    }

    @Test
    void userinfoAnswersForTheAccessTokenUntilItExpires() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true, "openid phone");
        OIDCTokenResponse tokens = success(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, login.verifier()))));
        String bearer = tokens.getOIDCTokens().getBearerAccessToken().toAuthorizationHeader();

        UserInfoResponse info = UserInfoResponse.parse(fx.provider.userinfo(bearer).toHTTPResponse());
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo("alice");
        assertThat(info.toSuccessResponse().getUserInfo().getPhoneNumber()).isEqualTo("+15551234567");

        assertThat(fx.provider.userinfo(new BearerAccessToken().toAuthorizationHeader()).indicatesSuccess()).isFalse();
        assertThat(fx.provider.userinfo(null).toHTTPResponse().getStatusCode()).isEqualTo(401);
        fx.clock.advance(OidcProvider.ACCESS_TOKEN_LIFETIME);
        assertThat(fx.provider.userinfo(bearer).toHTTPResponse().getStatusCode()).isEqualTo(401);
    }

    @Test
    void aReplayedCodeIsRefused() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        TokenRequest request = new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, login.verifier()));
        success(fx.token(request));

        assertThat(error(fx.token(request)).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeIsRefusedAfterItsLifetime() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);
        fx.clock.advance(OidcProvider.CODE_LIFETIME);

        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(code, SPA_CB, login.verifier())))).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeIssuedToAnotherClientIsRefusedAndBurnt() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        HTTPResponse stolen = fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("web"),
                new Secret(WEB_SECRET)), new AuthorizationCodeGrant(code, SPA_CB, login.verifier())));

        assertThat(error(stolen).getCode()).isEqualTo("invalid_grant");
        // the rightful client, too late: a code that leaked is worth nothing to anyone
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(code, SPA_CB, login.verifier())))).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aWrongPkceVerifierOrNoneIsRefused() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, new CodeVerifier())))).getCode())
                .isEqualTo("invalid_grant");

        OidcFixture.Login again = OidcFixture.login("spa", SPA_CB, true);
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(again, ALICE), SPA_CB)))).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aDifferentRedirectUriAtTheTokenEndpointIsRefused() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("web"),
                new Secret(WEB_SECRET)), new AuthorizationCodeGrant(fx.authorize(login, ALICE),
                URI.create("https://web.example/other"), login.verifier())))).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aWrongSecretOrNoneIsInvalidClient() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        HTTPResponse wrong = fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("web"),
                new Secret("web-secret-0123456780")), new AuthorizationCodeGrant(code, WEB_CB, login.verifier())));
        assertThat(wrong.getStatusCode()).isEqualTo(401);
        assertThat(error(wrong).getCode()).isEqualTo("invalid_client");
        // a confidential client may not pass as a public one
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientID("web"), new AuthorizationCodeGrant(code, WEB_CB))))
                .getCode()).isEqualTo("invalid_client");
        // a public client has no secret to present
        assertThat(error(fx.token(new TokenRequest(endpoint(), new ClientSecretPost(new ClientID("spa"),
                new Secret(WEB_SECRET)), new AuthorizationCodeGrant(code, SPA_CB)))).getCode()).isEqualTo("invalid_client");
        // and the code was not spent by failed client authentication
        success(fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("web"), new Secret(WEB_SECRET)),
                new AuthorizationCodeGrant(code, WEB_CB, login.verifier()))));
    }

    @Test
    void theRedirectUriMustMatchExactlyAndUnknownClientsNeverRedirect() {
        assertRefusedWithoutRedirect(params("spa", "https://spa.example/cb/evil"));
        assertRefusedWithoutRedirect(params("spa", "https://spa.example/cb?next=https://evil.example"));
        assertRefusedWithoutRedirect(params("spa", "https://spa.example/c"));
        assertRefusedWithoutRedirect(params("spa", "HTTPS://spa.example/cb"));
        assertRefusedWithoutRedirect(params("spa", "https://web.example/cb"));
        assertRefusedWithoutRedirect(params("nobody", "https://spa.example/cb"));
        // an app of the 2FA API only is no OIDC client
        assertRefusedWithoutRedirect(params("api", "https://spa.example/cb"));
        Map<String, List<String>> noRedirect = params("spa", "x");
        noRedirect.remove("redirect_uri");
        assertRefusedWithoutRedirect(noRedirect);
    }

    @Test
    void otherErrorsRedirectWithErrorAndState() throws Exception {
        Map<String, List<String>> noPkce = params("spa", SPA_CB.toString());
        noPkce.remove("code_challenge");
        noPkce.remove("code_challenge_method");
        assertRedirectedError(noPkce, "invalid_request");

        Map<String, List<String>> plain = params("spa", SPA_CB.toString());
        plain.put("code_challenge_method", List.of("plain"));
        assertRedirectedError(plain, "invalid_request");

        Map<String, List<String>> token = params("spa", SPA_CB.toString());
        token.put("response_type", List.of("token"));
        assertRedirectedError(token, "unsupported_response_type");

        Map<String, List<String>> noOpenid = params("spa", SPA_CB.toString());
        noOpenid.put("scope", List.of("profile"));
        assertRedirectedError(noOpenid, "invalid_scope");

        Map<String, List<String>> twice = params("spa", SPA_CB.toString());
        twice.put("nonce", List.of("a", "b"));
        assertRedirectedError(twice, "invalid_request");
    }

    @Test
    void aValidRequestCarriesWhatTheLoginNeeds() {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);

        ValidatedRequest valid = (ValidatedRequest) fx.provider.validateAuthorizationRequest(login.request().toParameters());

        assertThat(valid.client().id()).isEqualTo("spa");
        assertThat(valid.redirectUri()).isEqualTo(SPA_CB);
        assertThat(valid.state()).isEqualTo(login.state());
        assertThat(valid.nonce()).isEqualTo(login.nonce());
        assertThat(valid.codeChallenge()).isNotNull();
        assertThat(fx.provider.issueCode(valid, ALICE).toString()).doesNotContain(
                fx.provider.issueCode(valid, ALICE).code().getValue());
    }

    @Test
    void refusesToIssueAMobileSubjectForAUserWithoutOne() {
        ValidatedRequest valid = (ValidatedRequest) fx.provider.validateAuthorizationRequest(
                OidcFixture.login("web", WEB_CB, true).request().toParameters());
        AuthenticatedUser noMobile = new AuthenticatedUser("bob", null, List.of("pwd"), AUTH_TIME);

        assertThatThrownBy(() -> fx.provider.issueCode(valid, noMobile)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mobile");
    }

    @Test
    void theSigningKeySurvivesARestartAndIsPrivateToItsOwner() throws Exception {
        String kid = fx.keys.keyId();
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true);
        OIDCTokenResponse before = success(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, login.verifier()))));
        fx.close();

        fx = new OidcFixture(dataDir);

        assertThat(fx.keys.keyId()).isEqualTo(kid);
        validate(before.getOIDCTokens().getIDToken(), "spa", login);
        Path file = dataDir.resolve(SigningKeys.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(fx.provider.jwks()).doesNotContain("\"d\"");
        assertThat(JWKSet.parse(fx.provider.jwks()).getKeyByKeyId(kid).isPrivate()).isFalse();
    }


    // --- claims by scope (OIDC Core 5.4) -------------------------------------------------------

    @Test
    void scopeOpenidAloneGivesTheSubjectAndNoPhoneNumberAtUserinfoOrInTheIdToken() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true, "openid");
        OIDCTokenResponse tokens = redeem(login);

        assertThat(userinfo(tokens).toJSONObject()).containsOnlyKeys("sub").containsEntry("sub", "alice");
        assertThat(validate(tokens.getOIDCTokens().getIDToken(), "spa", login).toJSONObject())
                .doesNotContainKeys("phone_number", "phone_number_verified", "preferred_username");
        assertThat(tokens.getOIDCTokens().getAccessToken().getScope().toStringList()).containsExactly("openid");
    }

    @Test
    void scopePhoneGivesThePhoneNumberVerifiedByThisLoginsSmsCodeAtUserinfoAndInTheIdToken() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true, "openid phone");
        OIDCTokenResponse tokens = redeem(login);

        UserInfo info = userinfo(tokens);
        assertThat(info.getPhoneNumber()).isEqualTo("+15551234567");
        assertThat(info.getPhoneNumberVerified()).isTrue();
        assertThat(info.getPreferredUsername()).as("profile was not asked for").isNull();
        IDTokenClaimsSet id = validate(tokens.getOIDCTokens().getIDToken(), "spa", login);
        assertThat(id.toJSONObject()).containsEntry("phone_number", "+15551234567")
                .containsEntry("phone_number_verified", true);
        assertThat(tokens.getOIDCTokens().getAccessToken().getScope().toStringList()).containsExactly("openid", "phone");
    }

    @Test
    void aPhoneNumberNotProvenByAnSmsCodeInThisLoginIsNotClaimedVerified() throws Exception {
        AuthenticatedUser withBackupCode = new AuthenticatedUser("alice", "+15551234567",
                List.of(AuthenticatedUser.AMR_PASSWORD, AuthenticatedUser.AMR_BACKUP_CODE), AUTH_TIME);
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true, "openid phone");
        OIDCTokenResponse tokens = success(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, withBackupCode), SPA_CB, login.verifier()))));

        assertThat(userinfo(tokens).getPhoneNumber()).isEqualTo("+15551234567");
        assertThat(userinfo(tokens).getPhoneNumberVerified()).isFalse();
    }

    @Test
    void scopeProfileGivesThePreferredUsernameAndUnknownScopeValuesAreIgnored() throws Exception {
        OidcFixture.Login login = OidcFixture.login("spa", SPA_CB, true, "openid profile email offline_access");
        OIDCTokenResponse tokens = redeem(login);

        assertThat(userinfo(tokens).toJSONObject()).containsOnlyKeys("sub", "preferred_username")
                .containsEntry("preferred_username", "alice");
        // RFC 6749 section 5.1: the scope granted differs from the one asked for, so the answer names it
        assertThat(tokens.getOIDCTokens().getAccessToken().getScope().toStringList()).containsExactly("openid", "profile");
    }

    // --- PKCE for every client unless it opts out ----------------------------------------------

    @Test
    void aConfidentialClientThatSendsNoCodeChallengeIsSentBackWithInvalidRequest() throws Exception {
        Map<String, List<String>> noPkce = new LinkedHashMap<>(OidcFixture.login("web", WEB_CB, false).request().toParameters());

        AuthorizationValidation v = fx.provider.validateAuthorizationRequest(noPkce);

        assertThat(v).isInstanceOf(AuthorizationError.class);
        var parsed = com.nimbusds.openid.connect.sdk.AuthenticationResponseParser
                .parse(((AuthorizationError) v).redirectLocation()).toErrorResponse();
        assertThat(parsed.getRedirectionURI()).isEqualTo(WEB_CB);
        assertThat(parsed.getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(parsed.getErrorObject().getDescription()).contains("code_challenge");
        assertThat(parsed.getState().getValue()).isEqualTo(noPkce.get("state").get(0));
    }

    @Test
    void aConfidentialClientIsRefusedPlainPkce() throws Exception {
        Map<String, List<String>> plain = new LinkedHashMap<>(OidcFixture.login("web", WEB_CB, true).request().toParameters());
        plain.put("code_challenge_method", List.of("plain"));
        plain.put("code_challenge", List.of(new CodeVerifier().getValue()));

        AuthorizationValidation v = fx.provider.validateAuthorizationRequest(plain);

        assertThat(v).isInstanceOf(AuthorizationError.class);
        assertThat(((AuthorizationError) v).redirectable()).isTrue();
        assertThat(((AuthorizationError) v).error().getCode()).isEqualTo("invalid_request");
    }

    @Test
    void aConfidentialClientThatSentACodeChallengeMustSendTheVerifierWithItsSecret() throws Exception {
        OidcFixture.Login login = OidcFixture.login("web", WEB_CB, true);
        AuthorizationCode code = fx.authorize(login, ALICE);

        HTTPResponse noVerifier = fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("web"),
                new Secret(WEB_SECRET)), new AuthorizationCodeGrant(code, WEB_CB)));

        assertThat(error(noVerifier).getCode()).isEqualTo("invalid_grant");
        assertThat(error(noVerifier).getDescription()).contains("code_verifier");
    }

    @Test
    void anAppThatOptedOutOfPkceMayLeaveItOutButAChallengeItSendsIsStillChecked() throws Exception {
        OidcFixture.Login without = OidcFixture.login("legacy", OidcFixture.LEGACY_CB, false);
        success(fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("legacy"), new Secret(WEB_SECRET)),
                new AuthorizationCodeGrant(fx.authorize(without, ALICE), OidcFixture.LEGACY_CB))));

        OidcFixture.Login with = OidcFixture.login("legacy", OidcFixture.LEGACY_CB, true);
        HTTPResponse noVerifier = fx.token(new TokenRequest(endpoint(), new ClientSecretBasic(new ClientID("legacy"),
                new Secret(WEB_SECRET)), new AuthorizationCodeGrant(fx.authorize(with, ALICE), OidcFixture.LEGACY_CB)));
        assertThat(error(noVerifier).getCode()).isEqualTo("invalid_grant");
    }

    // --- helpers -------------------------------------------------------------------------------

    private IDTokenClaimsSet validate(JWT idToken, String clientId, OidcFixture.Login login) throws Exception {
        // the client's view: signature against the published JWKS, iss, aud, exp, iat, nonce
        IDTokenValidator validator = new IDTokenValidator(new Issuer(OidcFixture.ISSUER.toString()), new ClientID(clientId),
                SigningKeys.ALGORITHM, JWKSet.parse(fx.provider.jwks()));
        IDTokenClaimsSet claims = validator.validate(idToken, login.nonce());
        assertThat(claims.getNonce()).isEqualTo(login.nonce());
        return claims;
    }

    private OIDCTokenResponse redeem(OidcFixture.Login login) throws Exception {
        return success(fx.token(new TokenRequest(endpoint(), new ClientID("spa"),
                new AuthorizationCodeGrant(fx.authorize(login, ALICE), SPA_CB, login.verifier()))));
    }

    private UserInfo userinfo(OIDCTokenResponse tokens) throws Exception {
        UserInfoResponse info = UserInfoResponse.parse(fx.provider.userinfo(
                tokens.getOIDCTokens().getBearerAccessToken().toAuthorizationHeader()).toHTTPResponse());
        assertThat(info.indicatesSuccess()).isTrue();
        return info.toSuccessResponse().getUserInfo();
    }

    private static OIDCTokenResponse success(HTTPResponse http) throws Exception {
        TokenResponse response = OIDCTokenResponseParser.parse(http);
        assertThat(response.indicatesSuccess()).as("token response %s", http.getBody()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    private static ErrorObject error(HTTPResponse http) throws Exception {
        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        assertThat(http.getStatusCode()).isIn(400, 401);
        return TokenErrorResponse.parse(http).getErrorObject();
    }

    private static URI endpoint() {
        return URI.create(OidcFixture.ISSUER + OidcProvider.TOKEN_PATH);
    }

    private static Map<String, List<String>> params(String clientId, String redirect) {
        Map<String, List<String>> p = new LinkedHashMap<>(OidcFixture.login("spa", SPA_CB, true).request().toParameters());
        p.put("client_id", new ArrayList<>(List.of(clientId)));
        p.put("redirect_uri", new ArrayList<>(List.of(redirect)));
        return p;
    }

    private void assertRefusedWithoutRedirect(Map<String, List<String>> params) {
        AuthorizationValidation v = fx.provider.validateAuthorizationRequest(params);
        assertThat(v).as("%s", params).isInstanceOf(AuthorizationError.class);
        assertThat(((AuthorizationError) v).redirectable()).isFalse();
        assertThatThrownBy(((AuthorizationError) v)::redirectLocation).isInstanceOf(IllegalStateException.class);
    }

    private void assertRedirectedError(Map<String, List<String>> params, String code) throws Exception {
        AuthorizationValidation v = fx.provider.validateAuthorizationRequest(params);
        assertThat(v).as("%s", params).isInstanceOf(AuthorizationError.class);
        AuthorizationError e = (AuthorizationError) v;
        assertThat(e.redirectable()).isTrue();
        var parsed = com.nimbusds.openid.connect.sdk.AuthenticationResponseParser.parse(e.redirectLocation()).toErrorResponse();
        assertThat(parsed.getRedirectionURI()).isEqualTo(SPA_CB);
        assertThat(parsed.getErrorObject().getCode()).isEqualTo(code);
        assertThat(parsed.getState().getValue()).isEqualTo(params.get("state").get(0));
    }
}
