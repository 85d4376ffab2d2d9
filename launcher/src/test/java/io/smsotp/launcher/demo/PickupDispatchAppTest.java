package io.smsotp.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.testsupport.CaseChanges;
import io.smsotp.testsupport.OneConnection;
import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pickup Dispatch against a stand-in OpenID provider, driven like a browser (cookies, redirects). */
class PickupDispatchAppTest {

    private static final String CLIENT = "pickup-dispatch";
    private static final String SECRET = "s3cret-for-tests";

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void stopAll() {
        cleanup.forEach(Runnable::run);
    }

    @Test
    void publicClientLogsInWithPkceAndShowsSubjectAndFactors() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();

        HttpResponse<String> start = browser.get(app.baseUri());
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.body()).contains("<title>Pickup Dispatch</title>", "id=\"login\"", "Signed out");

        HttpResponse<String> home = browser.follow(app.baseUri().resolve("/login"));

        assertThat(home.uri().getPath()).isEqualTo("/");
        assertThat(text(home, "sub")).isEqualTo("alice");
        assertThat(text(home, "amr")).isEqualTo("pwd sms");
        assertThat(Instant.parse(text(home, "auth-time"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(home.body()).contains("Signed in", "id=\"logout\"").doesNotContain("id=\"login\"");

        StandInIssuer.Authorization sent = issuer.lastAuthorization;
        assertThat(sent.responseType()).isEqualTo("code");
        assertThat(sent.scope()).isEqualTo("openid");
        assertThat(sent.redirectUri()).isEqualTo(app.redirectUri());
        assertThat(sent.challengeMethod()).isEqualTo("S256");
        assertThat(sent.nonce()).isNotBlank();
        assertThat(issuer.lastClientAuth).isEqualTo("none");
    }

    @Test
    void confidentialClientAuthenticatesWithBasicAndStillSendsPkce() throws Exception {
        StandInIssuer issuer = issuer(0, SECRET);
        PickupDispatchApp app = app(issuer.issuer(), SECRET);

        HttpResponse<String> home = new Browser().follow(app.baseUri().resolve("/login"));

        assertThat(text(home, "sub")).isEqualTo("alice");
        assertThat(issuer.lastClientAuth).isEqualTo("client_secret_basic");
        assertThat(issuer.lastAuthorization.challengeMethod()).isEqualTo("S256");
    }

    @Test
    void loginRedirectCarriesTheCodeFlowParametersAndSetsAHardenedCookie() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);

        HttpResponse<String> login = new Browser().get(app.baseUri().resolve("/login"));

        assertThat(login.statusCode()).isEqualTo(302);
        String location = login.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(issuer.issuer() + "/authorize?")
                .contains("response_type=code", "scope=openid", "client_id=" + CLIENT, "state=", "nonce=",
                        "code_challenge=", "code_challenge_method=S256",
                        "redirect_uri=http%3A%2F%2Flocalhost%3A" + app.port() + "%2Fcallback");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(PickupDispatchApp.COOKIE + "=").contains("Path=/", "HttpOnly")
                .containsIgnoringCase("SameSite=Lax");
    }

    @Test
    void signingInGivesTheBrowserANewSessionId() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();
        URI authorize = browser.location(browser.get(app.baseUri().resolve("/login")));
        String beforeLogin = browser.sessionCookie();

        assertThat(text(browser.follow(authorize), "sub")).isEqualTo("alice");

        assertThat(browser.sessionCookie()).isNotBlank().isNotEqualTo(beforeLogin);
    }

    @Test
    void aSessionIdWithALettersCaseChangedIsNotSignedInOnTheConnectionThatCarriedTheRealOne() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();
        assertThat(text(browser.follow(app.baseUri().resolve("/login")), "sub")).isEqualTo("alice");
        String id = browser.sessionCookie();
        String changed = CaseChanges.oneLetterEach(id).get(0);

        try (OneConnection c = new OneConnection(app.baseUri())) {
            assertThat(c.get("/", Map.of("Cookie", PickupDispatchApp.COOKIE + "=" + id)).body())
                    .as("the real session id is signed in").contains("Signed in");
            assertThat(c.get("/", Map.of("Cookie", PickupDispatchApp.COOKIE + "=" + changed)).body())
                    .as("the id with its first letter's case changed, on the same connection")
                    .contains("Signed out").doesNotContain("alice");
        }
    }

    @Test
    void logoutEndsTheLocalSession() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();
        assertThat(text(browser.follow(app.baseUri().resolve("/login")), "sub")).isEqualTo("alice");

        HttpResponse<String> after = browser.followPost(app.baseUri().resolve("/logout"));

        assertThat(after.uri().getPath()).isEqualTo("/");
        assertThat(after.body()).contains("id=\"login\"", "Signed out").doesNotContain("alice");
    }

    @Test
    void refusesACallbackWhoseStateDoesNotMatchTheSession() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();
        URI authorize = browser.location(browser.get(app.baseUri().resolve("/login")));
        URI callback = browser.location(browser.get(authorize));
        assertThat(callback.getPath()).isEqualTo("/callback");

        URI forged = URI.create(callback.toString().replaceAll("state=[^&]+", "state=forged"));
        HttpResponse<String> refused = browser.get(forged);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Login could not be completed");
        assertThat(browser.get(app.baseUri()).body()).contains("id=\"login\"").doesNotContain("id=\"sub\"");
    }

    @Test
    void refusesACallbackInABrowserThatNeverStartedTheLogin() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser victim = new Browser();
        URI authorize = victim.location(victim.get(app.baseUri().resolve("/login")));
        URI callback = victim.location(victim.get(authorize));

        HttpResponse<String> inOtherBrowser = new Browser().get(callback);

        assertThat(inOtherBrowser.statusCode()).isEqualTo(400);
    }

    @Test
    void aCallbackUrlWorksOnlyOnce() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();
        URI authorize = browser.location(browser.get(app.baseUri().resolve("/login")));
        URI callback = browser.location(browser.get(authorize));
        assertThat(text(browser.follow(callback), "sub")).isEqualTo("alice");

        HttpResponse<String> replay = browser.get(callback);

        assertThat(replay.statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @EnumSource(value = StandInIssuer.Trick.class, names = {"BAD_SIGNATURE", "WRONG_NONCE", "WRONG_AUDIENCE"})
    void refusesAnIdTokenThatDoesNotValidate(StandInIssuer.Trick trick) throws Exception {
        StandInIssuer issuer = issuer(0, null);
        issuer.trick = trick;
        PickupDispatchApp app = app(issuer.issuer(), null);
        Browser browser = new Browser();

        HttpResponse<String> page = browser.follow(app.baseUri().resolve("/login"));

        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(text(page, "error")).isEqualTo("invalid_id_token");
        assertThat(page.body()).doesNotContain("id=\"sub\"", "eyJ");
        assertThat(browser.get(app.baseUri()).body()).contains("id=\"login\"").doesNotContain("alice");
    }

    @Test
    void showsTheIssuersErrorEscapedWhenTheUserDeclines() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        issuer.trick = StandInIssuer.Trick.DENY;
        PickupDispatchApp app = app(issuer.issuer(), null);

        HttpResponse<String> page = new Browser().follow(app.baseUri().resolve("/login"));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(text(page, "error")).isEqualTo("access_denied");
        assertThat(text(page, "error-description")).isEqualTo("The user said &lt;b&gt;no&lt;/b&gt; &amp; left");
        assertThat(page.body()).doesNotContain("<b>no</b>").contains("id=\"retry\"");
    }

    @Test
    void showsTheOAuthErrorCodeWhenTheTokenEndpointRefuses() throws Exception {
        StandInIssuer issuer = issuer(0, null);
        issuer.trick = StandInIssuer.Trick.REFUSE_CODE;
        PickupDispatchApp app = app(issuer.issuer(), null);

        HttpResponse<String> page = new Browser().follow(app.baseUri().resolve("/login"));

        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(text(page, "error")).isEqualTo("invalid_grant");
    }

    @Test
    void wrongClientSecretEndsOnAnErrorPageNotSignedIn() throws Exception {
        StandInIssuer issuer = issuer(0, SECRET);
        PickupDispatchApp app = app(issuer.issuer(), "not-the-secret");

        HttpResponse<String> page = new Browser().follow(app.baseUri().resolve("/login"));

        assertThat(text(page, "error")).isEqualTo("invalid_client");
        assertThat(page.body()).doesNotContain("not-the-secret");
    }

    @Test
    void issuerDownAtFirstLoginGivesAFriendlyPageThenLoginWorksOnceItIsUp() throws Exception {
        int issuerPort = freePort();
        PickupDispatchApp app = app(StandInIssuer.issuerAt(issuerPort), null);
        Browser browser = new Browser();

        HttpResponse<String> down = browser.follow(app.baseUri().resolve("/login"));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("not available yet", "id=\"retry\"")
                .doesNotContain("Exception", "at io.smsotp");

        issuer(issuerPort, null);
        HttpResponse<String> home = browser.follow(app.baseUri().resolve("/login"));

        assertThat(text(home, "sub")).isEqualTo("alice");
    }

    @Test
    void callsTheIssuerOnItsBackChannelWhileBrowsersAndTokensUseItsPublicName() throws Exception {
        StandInIssuer issuer = issuer(0, SECRET);
        // as in the compose cluster: browsers open localhost:8080, the app reaches the proxy by its service name
        URI publicName = URI.create("http://localhost:" + issuer.issuer().getPort());
        issuer.publicName = publicName;
        PickupDispatchApp app = new PickupDispatchApp(publicName, StandInIssuer.issuerAt(issuer.issuer().getPort()), CLIENT,
                SECRET, "127.0.0.1", 0, java.time.Clock.systemUTC()).start();
        cleanup.add(0, app::stop);

        HttpResponse<String> login = new Browser().get(app.baseUri().resolve("/login"));
        HttpResponse<String> home = new Browser().follow(app.baseUri().resolve("/login"));

        assertThat(login.headers().firstValue("Location").orElseThrow()).startsWith(publicName + "/authorize");
        assertThat(text(home, "sub")).isEqualTo("alice");
        String backChannel = "127.0.0.1:" + issuer.issuer().getPort();
        assertThat(issuer.lastDiscoveryHost).isEqualTo(backChannel);
        assertThat(issuer.lastTokenHost).isEqualTo(backChannel);
    }

    @Test
    void refusesABackChannelThatNamesAnotherIssuer() throws Exception {
        StandInIssuer issuer = issuer(0, SECRET);
        PickupDispatchApp app = new PickupDispatchApp(URI.create("http://login.example"),
                StandInIssuer.issuerAt(issuer.issuer().getPort()), CLIENT, SECRET, "127.0.0.1", 0,
                java.time.Clock.systemUTC()).start();
        cleanup.add(0, app::stop);

        HttpResponse<String> page = new Browser().get(app.baseUri().resolve("/login"));

        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).doesNotContain("Signed in");
    }

    @Test
    void redirectUriOfAFixedPortIsKnownBeforeStart() {
        assertThat(PickupDispatchApp.redirectUriFor(8070)).isEqualTo(URI.create("http://localhost:8070/callback"));
        PickupDispatchApp app = new PickupDispatchApp(URI.create("http://localhost:1"), CLIENT, null, "127.0.0.1", 8070);
        assertThat(app.redirectUri()).isEqualTo(URI.create("http://localhost:8070/callback"));
        assertThat(app.baseUri()).isEqualTo(URI.create("http://localhost:8070/"));
    }

    // --- helpers

    private StandInIssuer issuer(int port, String secret) {
        StandInIssuer issuer = new StandInIssuer(port, CLIENT, secret).start();
        cleanup.add(issuer::stop);
        return issuer;
    }

    private PickupDispatchApp app(URI issuer, String secret) {
        PickupDispatchApp app = new PickupDispatchApp(issuer, CLIENT, secret, "127.0.0.1", 0).start();
        cleanup.add(0, app::stop);
        return app;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The text inside the element with this id (the pages put each value in its own element). */
    private static String text(HttpResponse<String> page, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>(?:<code>)?([^<]*)").matcher(page.body());
        assertThat(m.find()).as("element #%s in page %s:%n%s", id, page.uri(), page.body()).isTrue();
        return m.group(1);
    }

    /** A cookie-keeping client that follows redirects one by one, as a browser does. */
    private static final class Browser {
        private final CookieManager cookies = new CookieManager();
        private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> follow(URI uri) throws IOException, InterruptedException {
            return followFrom(get(uri));
        }

        HttpResponse<String> followPost(URI uri) throws IOException, InterruptedException {
            return followFrom(client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }

        String sessionCookie() {
            return cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals(PickupDispatchApp.COOKIE)).findFirst().orElseThrow().getValue();
        }

        URI location(HttpResponse<String> r) {
            assertThat(r.statusCode()).as("redirect from %s: %s", r.uri(), r.body()).isIn(302, 303);
            return r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
        }

        private HttpResponse<String> followFrom(HttpResponse<String> r) throws IOException, InterruptedException {
            for (int hops = 0; hops < 10 && (r.statusCode() == 302 || r.statusCode() == 303); hops++) {
                r = get(location(r));
            }
            return r;
        }
    }
}
