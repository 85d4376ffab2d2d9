package io.smsotp.launcher.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One whole login at Keycloak, the same round trip {@link OidcLogin} makes at smsotp, with a new
 * cookie jar each time: authorize → login page → username and password → the OTP page → the TOTP
 * code (computed here from the user's secret, as an authenticator app does) → redirect with the
 * authorization code → token exchange with the PKCE verifier and {@code client_secret_basic}.
 * Never logs a password, code or secret: a failure names the step and its HTTP status only.
 */
final class KeycloakLogin {

    private static final Pattern AUTH_CODE = Pattern.compile("[?&]code=([^&]+)");

    private final String realmUrl;
    private final KeycloakUsers users;
    private final String basicAuth;

    KeycloakLogin(String baseUrl, KeycloakUsers users) {
        this.realmUrl = baseUrl + "/realms/" + KeycloakProcess.REALM;
        this.users = users;
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((OidcLogin.enc(KeycloakUsers.CLIENT_ID) + ":"
                + OidcLogin.enc(users.clientSecret())).getBytes(StandardCharsets.UTF_8));
    }

    /** One login of the next user, from the first request to the ID token; its time, or a failure, goes to {@code results}. */
    void run(OidcLogin.Results results) throws InterruptedException {
        KeycloakUsers.User user = users.next();
        long t0 = System.nanoTime();
        try {
            login(user);
            results.succeeded(t0);
        } catch (IOException | IllegalStateException e) {
            results.failed(e.getMessage());
        }
    }

    private void login(KeycloakUsers.User user) throws IOException, InterruptedException {
        Map<String, String> cookies = new LinkedHashMap<>();
        String verifier = ProductProcess.randomToken();
        String authorize = realmUrl + "/protocol/openid-connect/auth?" + OidcLogin.form(Map.of("response_type", "code",
                "scope", "openid", "client_id", KeycloakUsers.CLIENT_ID, "redirect_uri", KeycloakUsers.REDIRECT_URI,
                "state", ProductProcess.randomToken(), "nonce", ProductProcess.randomToken(),
                "code_challenge", OidcLogin.s256(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> page = OidcLogin.send(HttpRequest.newBuilder(URI.create(authorize)).GET(), cookies,
                "authorize", 200);

        page = OidcLogin.send(post(formAction(page.body(), "kc-form-login", "authorize"),
                Map.of("username", user.username(), "password", users.password(), "credentialId", "")),
                cookies, "password", 200);

        String code = KeycloakUsers.totp(user.totpSecret(), System.currentTimeMillis() / 1000);
        HttpResponse<String> back = OidcLogin.send(post(formAction(page.body(), "kc-otp-login-form", "password"),
                Map.of("otp", code, "login", "Sign In")), cookies, "code", 302);
        String location = back.headers().firstValue("Location").orElse("");
        Matcher m = AUTH_CODE.matcher(location);
        if (!location.startsWith(KeycloakUsers.REDIRECT_URI) || !m.find()) {
            throw new IllegalStateException("code: the redirect carries no authorization code");
        }

        HttpResponse<String> tokens = OidcLogin.send(post(realmUrl + "/protocol/openid-connect/token",
                Map.of("grant_type", "authorization_code", "code", URLDecoder.decode(m.group(1), StandardCharsets.UTF_8),
                        "redirect_uri", KeycloakUsers.REDIRECT_URI, "code_verifier", verifier))
                .header("Authorization", basicAuth), cookies, "token", 200);
        if (!tokens.body().contains("\"id_token\"")) {
            throw new IllegalStateException("token: the answer has no ID token");
        }
    }

    /** The {@code action} of the page's form with that id, or a failure of the step that should have shown it. */
    static String formAction(String html, String formId, String step) {
        Matcher m = Pattern.compile("<form id=\"" + Pattern.quote(formId) + "\"[^>]*\\baction=\"([^\"]+)\"").matcher(html);
        if (!m.find()) {
            throw new IllegalStateException(step + ": the answer has no form " + formId);
        }
        return m.group(1).replace("&amp;", "&");
    }

    private static HttpRequest.Builder post(String url, Map<String, String> fields) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OidcLogin.form(fields)));
    }
}
