package io.smsotp.launcher.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.HdrHistogram.Recorder;

/**
 * One user's whole hosted login, as a browser and its relying party do it, with a new cookie jar
 * each time: authorize → password page → username and password → SMS code page → the code (read
 * from the benchmark's provider) → redirect with the authorization code → token exchange with the
 * PKCE verifier and {@code client_secret_basic}. Never logs a password, code or secret: a failure
 * is described by the step and its HTTP status only.
 */
final class OidcLogin {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern AUTH_CODE = Pattern.compile("[?&]code=([^&]+)");
    private static final Duration SMS_WAIT = Duration.ofSeconds(30);

    /** What the logins of one measurement came to; shared by its workers. */
    static final class Results {
        private final Recorder latency = new Recorder(3);
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile String firstFailure;
        private volatile org.HdrHistogram.Histogram histogram;

        long done() {
            return done.get();
        }

        long failed() {
            return failed.get();
        }

        String firstFailure() {
            return firstFailure;
        }

        void succeeded(long startNanos) {
            latency.recordValue((System.nanoTime() - startNanos) / 1000);
            done.incrementAndGet();
        }

        void failed(String why) {
            failed.incrementAndGet();
            if (firstFailure == null) {
                firstFailure = why;
            }
        }

        double percentileMs(double percentile) {
            if (histogram == null) {
                histogram = latency.getIntervalHistogram();
            }
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private final String base;
    private final String clientId;
    private final String basicAuth;
    private final String redirectUri;
    private final String username;
    private final String password;
    private final BlockingQueue<String> codes;

    OidcLogin(String base, String clientId, String clientSecret, String redirectUri, String username,
              String password, BlockingQueue<String> codes) {
        this.base = base;
        this.clientId = clientId;
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        this.redirectUri = redirectUri;
        this.username = username;
        this.password = password;
        this.codes = codes;
    }

    /** One login from the first request to the ID token; its time, or a failure, goes to {@code results}. */
    void run(Results results) {
        long t0 = System.nanoTime();
        try {
            login();
            results.succeeded(t0);
        } catch (IOException | IllegalStateException e) {
            results.failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void login() throws IOException, InterruptedException {
        Map<String, String> cookies = new LinkedHashMap<>();
        codes.clear();
        String verifier = ProductProcess.randomToken();
        String state = ProductProcess.randomToken();
        String authorize = base + "/oauth2/authorize?" + form(Map.of("response_type", "code", "scope", "openid",
                "client_id", clientId, "redirect_uri", redirectUri, "state", state, "nonce",
                ProductProcess.randomToken(), "code_challenge", s256(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(authorize)).GET(), cookies, "authorize", 200);

        Map<String, String> fields = hidden(page.body());
        fields.put("username", username);
        fields.put("password", password);
        page = send(post("/login/password", form(fields)), cookies, "password", 200);

        String code = codes.poll(SMS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (code == null) {
            throw new IllegalStateException("no SMS within " + SMS_WAIT.toSeconds() + " s");
        }
        fields = hidden(page.body());
        fields.put("code", code);
        fields.put("action", "continue");
        HttpResponse<String> back = send(post("/login/otp", form(fields)), cookies, "code", 303);
        String location = back.headers().firstValue("Location").orElse("");
        Matcher m = AUTH_CODE.matcher(location);
        if (!location.startsWith(redirectUri) || !m.find()) {
            throw new IllegalStateException("code: the redirect carries no authorization code");
        }

        HttpResponse<String> tokens = send(post("/oauth2/token", form(Map.of("grant_type", "authorization_code",
                "code", java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), "redirect_uri", redirectUri,
                "code_verifier", verifier))).header("Authorization", basicAuth), cookies, "token", 200);
        if (!tokens.body().contains("\"id_token\"")) {
            throw new IllegalStateException("token: the answer has no ID token");
        }
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends with this login's cookies, keeps the ones set, and requires {@code status}. */
    static HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> cookies, String step,
                                             int status) throws IOException, InterruptedException {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (String set : r.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        if (r.statusCode() != status) {
            throw new IllegalStateException(step + ": HTTP " + r.statusCode() + " instead of " + status);
        }
        return r;
    }

    private static Map<String, String> hidden(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        return fields;
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "OidcLogin[" + username + "]";
    }
}
