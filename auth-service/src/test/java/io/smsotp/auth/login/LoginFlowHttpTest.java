package io.smsotp.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.AuthService;
import io.smsotp.auth.InMemoryWriter;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hosted login over real HTTP, from the authorization request to the ID token, with an
 * in-memory stand-in for otp-stream (its code is always {@link InMemoryWriter#CODE}).
 * The relying party is nimbus's client side; the browser is test-support's FormBrowser (a cookie jar, no script).
 */
class LoginFlowHttpTest {

    static final String PUBLIC_CLIENT = "spa";
    static final String CONFIDENTIAL_CLIENT = "portal";
    static final String OTHER_CLIENT = "other";
    static final String SECRET = "portal-secret-0123456789";
    static final String OTHER_SECRET = "other-secret-0123456789";
    static final URI SPA_CALLBACK = URI.create("http://localhost:9999/spa/callback");
    static final URI PORTAL_CALLBACK = URI.create("http://localhost:9999/portal/callback");
    static final URI OTHER_CALLBACK = URI.create("http://localhost:9999/other/callback");

    @TempDir
    Path dataDir;
    AuthService service;
    SmsOtpConfig config;
    InMemoryWriter writer;
    String base;
    Browser browser;

    @BeforeEach
    void start() {
        config = SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withApps(List.of(
                        new AppConfig(PUBLIC_CLIENT, "Single Page", null, null, List.of(SPA_CALLBACK.toString()), null,
                                null, null, null, null, null, null),
                        new AppConfig(CONFIDENTIAL_CLIENT, "Portal", null, null, List.of(PORTAL_CALLBACK.toString()),
                                SECRET, null, null, null, null, null, null),
                        new AppConfig(OTHER_CLIENT, "Other", null, null, List.of(OTHER_CALLBACK.toString()),
                                OTHER_SECRET, null, null, null, null, null, null)))
                .withUsers(List.of(new UserConfig("alice", "correct horse battery", null,
                        new UserConfig.Claims("+15551234567", false, "10300,21390"))));
        writer = new InMemoryWriter();
        service = AuthService.withLogin(config, writer).start();
        base = service.issuer();
        browser = new Browser();
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    // ---- the whole flow, with an OIDC client library on the other end ------------------------

    @Test
    void aPublicClientCompletesTheCodeFlowWithPkceAndValidatesTheIdTokenAgainstTheJwks() throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(base));
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        Nonce nonce = new Nonce();
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"),
                new ClientID(PUBLIC_CLIENT), SPA_CALLBACK).endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();

        URI back = browser.logIn(authorize, "alice", "correct horse battery", InMemoryWriter.CODE);

        AuthorizationResponse response = AuthorizationResponse.parse(back);
        assertThat(response.indicatesSuccess()).isTrue();
        assertThat(response.getState()).isEqualTo(state);
        AuthorizationCode code = ((AuthorizationSuccessResponse) response).getAuthorizationCode();
        TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                new ClientID(PUBLIC_CLIENT), new AuthorizationCodeGrant(code, SPA_CALLBACK, verifier)).toHTTPRequest().send());
        assertThat(tokens.indicatesSuccess()).as("%s", tokens).isTrue();

        IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(), new ClientID(PUBLIC_CLIENT),
                JWSAlgorithm.ES256, metadata.getJWKSetURI().toURL());
        JWTClaimsSet claims = validator.validate(((OIDCTokenResponse) tokens).getOIDCTokens().getIDToken(), nonce)
                .toJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd", "sms");
        assertThat(claims.getLongClaim("auth_time")).isPositive();
        // the code went through the pipeline's command, to the number on the profile
        assertThat(writer.created()).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo("+15551234567"));
    }

    @Test
    void aConfidentialClientRedeemsWithClientSecretBasicAndABackupCodeGivesAmrOtpOnlyOnce() throws Exception {
        URI back = browser.logIn(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s1"), "alice",
                "correct horse battery", "10300");
        AuthorizationCode code = codeFrom(back, "s1");
        assertThat(writer.verifies()).as("the entry went to the pending challenge first, as any code does")
                .hasSize(1);
        TokenResponse tokens = redeem(code, PORTAL_CALLBACK, CONFIDENTIAL_CLIENT, SECRET);
        assertThat(tokens.indicatesSuccess()).isTrue();
        JWTClaimsSet claims = ((OIDCTokenResponse) tokens).getOIDCTokens().getIDToken().getJWTClaimsSet();
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd", "otp");

        // the same backup code a second time is just a wrong code
        Browser again = new Browser();
        Page otp = again.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s2"), "alice",
                "correct horse battery");
        Page refused = again.submit(otp, ApiPaths.LOGIN_OTP, Map.of("code", "10300", "action", "continue"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("That code is not right");
    }

    @Test
    void userinfoGivesThePhoneNumberOnlyToAClientGrantedThePhoneScope() throws Exception {
        Map<String, Object> openid = userinfoAfterLogin("openid", "s1");
        Map<String, Object> phone = userinfoAfterLogin("openid phone", "s2");

        assertThat(openid).containsEntry("sub", "alice").doesNotContainKeys("phone_number", "phone_number_verified");
        assertThat(phone).containsEntry("sub", "alice").containsEntry("phone_number", "+15551234567")
                .containsEntry("phone_number_verified", true);
    }

    private Map<String, Object> userinfoAfterLogin(String scope, String state) throws Exception {
        verifier = new CodeVerifier();
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), Scope.parse(scope),
                new ClientID(CONFIDENTIAL_CLIENT), PORTAL_CALLBACK).endpointURI(URI.create(base + "/oauth2/authorize"))
                .state(new State(state)).nonce(new Nonce()).codeChallenge(verifier, CodeChallengeMethod.S256).build()
                .toURI();
        AuthorizationCode code = codeFrom(new Browser().logIn(authorize, "alice", "correct horse battery",
                InMemoryWriter.CODE), state);
        TokenResponse tokens = redeem(code, PORTAL_CALLBACK, CONFIDENTIAL_CLIENT, SECRET);
        assertThat(tokens.indicatesSuccess()).isTrue();
        com.nimbusds.openid.connect.sdk.UserInfoResponse info = com.nimbusds.openid.connect.sdk.UserInfoResponse.parse(
                new com.nimbusds.openid.connect.sdk.UserInfoRequest(URI.create(base + "/oauth2/userinfo"),
                        ((OIDCTokenResponse) tokens).getOIDCTokens().getBearerAccessToken()).toHTTPRequest().send());
        assertThat(info.indicatesSuccess()).isTrue();
        return info.toSuccessResponse().getUserInfo().toJSONObject();
    }

    // ---- step 1 ------------------------------------------------------------------------------

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        Page wrong = browser.submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice", "password", "nope"));
        Page unknown = browser.submit(wrong, ApiPaths.LOGIN_PASSWORD, Map.of("username", "mallory", "password", "nope"));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(notice(wrong)).isEqualTo(notice(unknown)).isEqualTo("Incorrect username or password.");
        assertThat(writer.created()).isEmpty();
    }

    @Test
    void aPageAnsweredOnceIsRefusedWhenPostedAgain() throws Exception {
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        Page wrong = browser.submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice", "password", "nope"));
        assertThat(wrong.status()).isEqualTo(401);

        Page again = browser.submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice",
                "password", "correct horse battery"));

        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body()).contains("This page is out of date");
        assertThat(writer.created()).as("the replayed page reached no step").isEmpty();
        assertThat(browser.submit(wrong, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice",
                "password", "correct horse battery")).status()).as("the page it answered with works").isEqualTo(200);
    }

    @Test
    void passwordChecksPastTheirQueueAnswer503WithRetryAfterAndNeverFail() throws Exception {
        service.stop();
        service = AuthService.withLogin(config.withAuth(config.auth()
                .withPasswordHashing(new AuthSettings.PasswordHashing(1, 0))), writer).start();
        base = service.issuer();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Page>> answers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Browser b = new Browser();
                Page start = b.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s" + i));
                answers.add(pool.submit(() -> {
                    go.await();
                    return b.submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", "alice",
                            "password", "correct horse battery"));
                }));
            }
            go.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Page> f : answers) {
                Page p = f.get();
                statuses.add(p.status());
                if (p.status() == 503) {
                    assertThat(p.headers().firstValue("Retry-After")).isPresent();
                    assertThat(p.notice()).startsWith("Too many sign-ins are being checked just now.");
                }
            }
            assertThat(statuses).containsOnly(200, 503).contains(200, 503);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- step 2 ------------------------------------------------------------------------------

    @Test
    void aWrongCodeSaysHowManyAttemptsAreLeftAndTheRightOneThenLogsIn() throws Exception {
        Page otp = browser.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"), "alice",
                "correct horse battery");
        assertThat(otp.body()).contains("+*******4567").doesNotContain("15551234567");

        Page wrong = browser.submit(otp, ApiPaths.LOGIN_OTP, Map.of("code", "000000", "action", "continue"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(notice(wrong)).isEqualTo("That code is not right. 4 attempts left.");

        Page done = browser.submit(wrong, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).startsWith(PORTAL_CALLBACK + "?").contains("code=").contains("state=s");
    }

    @Test
    void anExpiredCodeSaysSoAndResendMakesANewChallengeForTheSameLogin() throws Exception {
        Page otp = browser.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"), "alice",
                "correct horse battery");
        writer.setStatus(writer.created().get(0).challengeId(), io.smsotp.events.ChallengeStatus.EXPIRED);

        Page expired = browser.submit(otp, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(notice(expired)).isEqualTo("The code has expired. Use Resend to get a new one.");

        Page resent = browser.submit(expired, ApiPaths.LOGIN_OTP, Map.of("action", "resend"));
        assertThat(resent.status()).isEqualTo(200);
        assertThat(writer.created()).hasSize(2);
        Page done = browser.submit(resent, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.status()).isEqualTo(303);
        assertThat(writer.verifies().get(1).challengeId()).isEqualTo(writer.created().get(1).challengeId());
    }

    @Test
    void tooManyWrongCodesEndTheLoginAndTheWayBackSaysAccessDenied() throws Exception {
        Page page = browser.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"), "alice",
                "correct horse battery");
        for (int i = 0; i < 5; i++) {
            page = browser.submit(page, ApiPaths.LOGIN_OTP, Map.of("code", "999999", "action", "continue"));
        }
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("Too many wrong codes");
        Matcher back = Pattern.compile("href=\"([^\"]+)\" id=\"return\"").matcher(page.body());
        assertThat(back.find()).isTrue();
        assertThat(back.group(1).replace("&amp;", "&")).startsWith(PORTAL_CALLBACK + "?")
                .contains("error=access_denied").contains("state=s");
    }

    @Test
    void anotherInstanceWithTheSameDataDirCanTakeTheNextStep() throws Exception {
        // a second auth-service, as behind a load balancer: same keys, same user store
        AuthService second = AuthService.withLogin(SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, base, dataDir.toString()))
                .withApps(config.apps()), writer).start();
        try {
            Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
            String firstBase = base;
            base = "http://localhost:" + second.port();
            Page otp = browser.submit(start, ApiPaths.LOGIN_PASSWORD,
                    Map.of("username", "alice", "password", "correct horse battery"));
            assertThat(otp.status()).as(otp.body()).isEqualTo(200);
            base = firstBase;
            Page done = browser.submit(otp, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
            assertThat(done.status()).isEqualTo(303);
            base = "http://localhost:" + second.port();
            assertThat(redeem(codeFrom(URI.create(done.location()), "s"), PORTAL_CALLBACK, CONFIDENTIAL_CLIENT, SECRET)
                    .indicatesSuccess()).isTrue();
        } finally {
            second.stop();
        }
    }

    @Test
    void aUsedUpSendLimitSaysHowLongToWaitAndResendWorksOnceItAllows() throws Exception {
        writer.limitSends("per_number", java.time.Instant.now().plusSeconds(60));
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        Page limited = browser.submit(start, ApiPaths.LOGIN_PASSWORD,
                Map.of("username", "alice", "password", "correct horse battery"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(notice(limited)).matches("Too many codes have been sent to this number\\. Try again in (5[0-9]|60) seconds\\.");
        assertThat(writer.created()).as("the refused create was asked, nothing was made").hasSize(1);

        writer.limitSends(null, null);
        Page resent = browser.submit(limited, ApiPaths.LOGIN_OTP, Map.of("action", "resend"));
        assertThat(resent.status()).isEqualTo(200);
        Page done = browser.submit(resent, ApiPaths.LOGIN_OTP, Map.of("code", InMemoryWriter.CODE, "action", "continue"));
        assertThat(done.status()).isEqualTo(303);
    }

    @Test
    void theClientIpOfTheBrowserGoesWithEachSend() throws Exception {
        browser.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"), "alice", "correct horse battery");
        assertThat(writer.created()).singleElement().satisfies(c -> assertThat(c.clientIp()).isEqualTo("127.0.0.1"));
    }

    // ---- negative cases ------------------------------------------------------------------------

    @Test
    void aFormWithoutOrWithAWrongCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        Map<String, String> noToken = new LinkedHashMap<>(start.hidden());
        noToken.remove(CsrfTokens.FIELD_NAME);
        noToken.put("username", "alice");
        noToken.put("password", "correct horse battery");
        Page missing = browser.post(ApiPaths.LOGIN_PASSWORD, noToken);

        Map<String, String> wrongToken = new LinkedHashMap<>(noToken);
        wrongToken.put(CsrfTokens.FIELD_NAME, "AAAA" + start.hidden().get(CsrfTokens.FIELD_NAME).substring(4));
        Page wrong = browser.post(ApiPaths.LOGIN_PASSWORD, wrongToken);

        assertThat(missing.status()).isEqualTo(403);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(missing.location()).isNull();
        assertThat(writer.created()).as("no code was sent").isEmpty();
    }

    @Test
    void anUnregisteredRedirectUriOrUnknownClientShowsAnErrorPageAndNeverRedirects() throws Exception {
        Page evil = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, URI.create("https://evil.example/steal"), "s"));
        Page prefix = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, URI.create(PORTAL_CALLBACK + "/../../evil"), "s"));
        Page unknown = browser.open(authorizeUri("nobody", PORTAL_CALLBACK, "s"));

        for (Page p : List.of(evil, prefix, unknown)) {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.location()).isNull();
            assertThat(p.body()).contains("This sign-in link is not valid").doesNotContain("evil.example");
        }
    }

    @Test
    void aReplayedAuthorizationCodeIsRefused() throws Exception {
        AuthorizationCode code = codeFrom(browser.logIn(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"),
                "alice", "correct horse battery", InMemoryWriter.CODE), "s");

        assertThat(redeem(code, PORTAL_CALLBACK, CONFIDENTIAL_CLIENT, SECRET).indicatesSuccess()).isTrue();
        TokenResponse replay = redeem(code, PORTAL_CALLBACK, CONFIDENTIAL_CLIENT, SECRET);

        assertThat(replay.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) replay).getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeIssuedToOneClientCannotBeRedeemedByAnother() throws Exception {
        AuthorizationCode code = codeFrom(browser.logIn(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"),
                "alice", "correct horse battery", InMemoryWriter.CODE), "s");

        TokenResponse stolen = redeem(code, PORTAL_CALLBACK, OTHER_CLIENT, OTHER_SECRET);

        assertThat(stolen.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) stolen).getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    @Test
    void aTamperedLoginContextOrOneFromAnotherBrowserIsRefused() throws Exception {
        Page otp = browser.toCodePage(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"), "alice",
                "correct horse battery");
        String token = otp.hidden().get(LoginForms.CONTEXT_FIELD);

        Map<String, String> tampered = new LinkedHashMap<>(otp.hidden());
        char c = token.charAt(token.length() / 2);
        tampered.put(LoginForms.CONTEXT_FIELD, token.substring(0, token.length() / 2) + (c == 'A' ? 'B' : 'A')
                + token.substring(token.length() / 2 + 1));
        tampered.put("code", InMemoryWriter.CODE);
        tampered.put("action", "continue");
        Page refused = browser.post(ApiPaths.LOGIN_OTP, tampered);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Your sign-in has expired");

        // the untouched context, posted from a browser without its binding cookie
        Map<String, String> lifted = new LinkedHashMap<>(otp.hidden());
        lifted.put("code", InMemoryWriter.CODE);
        lifted.put("action", "continue");
        Page elsewhere = new Browser().post(ApiPaths.LOGIN_OTP, lifted);
        assertThat(elsewhere.status()).isEqualTo(400);
        assertThat(elsewhere.location()).isNull();
        assertThat(writer.verifies()).as("no code was checked").isEmpty();
    }

    @Test
    void promptNoneAnswersLoginRequiredAtTheClient() throws Exception {
        Page p = browser.open(URI.create(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s") + "&prompt=none"));
        assertThat(p.status()).isEqualTo(302);
        assertThat(p.location()).startsWith(PORTAL_CALLBACK + "?").contains("error=login_required").contains("state=s");
    }

    @Test
    void cancelGoesBackToTheClientWithAccessDenied() throws Exception {
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        Page canceled = browser.submit(start, ApiPaths.LOGIN_CANCEL, Map.of());
        assertThat(canceled.status()).isEqualTo(303);
        assertThat(canceled.location()).startsWith(PORTAL_CALLBACK + "?").contains("error=access_denied");
    }

    @Test
    void pagesForbidFramingAndCaching() throws Exception {
        Page start = browser.open(authorizeUri(CONFIDENTIAL_CLIENT, PORTAL_CALLBACK, "s"));
        assertThat(start.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                v -> assertThat(v).contains("frame-ancestors 'none'").contains("script-src 'self'"));
        assertThat(start.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(start.headers().allValues("Set-Cookie")).anySatisfy(v -> assertThat(v)
                .startsWith(BrowserBinding.COOKIE_NAME + "=").contains("HttpOnly").contains("SameSite=Lax"));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The PKCE verifier of the last {@link #authorizeUri}. */
    private CodeVerifier verifier;

    private URI authorizeUri(String clientId, URI redirect, String state) {
        verifier = new CodeVerifier();
        return new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"), new ClientID(clientId),
                redirect).endpointURI(URI.create(base + "/oauth2/authorize")).state(new State(state))
                .nonce(new Nonce()).codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
    }

    private static AuthorizationCode codeFrom(URI back, String state) throws Exception {
        AuthorizationResponse response = AuthorizationResponse.parse(back);
        assertThat(response.indicatesSuccess()).as("%s", back).isTrue();
        assertThat(response.getState().getValue()).isEqualTo(state);
        return ((AuthorizationSuccessResponse) response).getAuthorizationCode();
    }

    private TokenResponse redeem(AuthorizationCode code, URI redirect, String clientId, String secret) throws Exception {
        // with the right PKCE verifier, so that a refusal is for the reason each test is about
        return OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/oauth2/token"),
                new ClientSecretBasic(new ClientID(clientId), new Secret(secret)),
                new AuthorizationCodeGrant(code, redirect, verifier)).toHTTPRequest().send());
    }

    private static String notice(Page page) {
        return page.notice();
    }

    /** The test's browser: {@link FormBrowser} at whatever {@link #base} is now, with the login's own shortcuts. */
    final class Browser {
        private final FormBrowser forms = new FormBrowser(base);

        Page open(URI uri) {
            return forms.open(uri);
        }

        Page post(String path, Map<String, String> form) {
            return forms.at(base).post(path, form);
        }

        Page submit(Page page, String path, Map<String, String> fields) {
            return forms.at(base).submit(page, path, fields);
        }

        Page toCodePage(URI authorize, String username, String password) {
            Page start = open(authorize);
            assertThat(start.status()).as(start.body()).isEqualTo(200);
            Page otp = submit(start, ApiPaths.LOGIN_PASSWORD, Map.of("username", username, "password", password));
            assertThat(otp.status()).as(otp.body()).isEqualTo(200);
            assertThat(otp.body()).contains("id=\"otp-form\"");
            return otp;
        }

        URI logIn(URI authorize, String username, String password, String code) {
            Page done = submit(toCodePage(authorize, username, password), ApiPaths.LOGIN_OTP,
                    Map.of("code", code, "action", "continue"));
            assertThat(done.status()).as(done.body()).isEqualTo(303);
            return URI.create(done.location());
        }
    }
}
