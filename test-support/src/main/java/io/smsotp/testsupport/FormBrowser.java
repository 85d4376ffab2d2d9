package io.smsotp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a rendering engine, for the hosted login pages over real HTTP: a cookie jar,
 * no redirects followed, forms posted with the hidden fields of the page they came from. Tests
 * that need script or layout use {@link Browser} (Chromium) instead.
 */
public final class FormBrowser {

    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern NOTICE = Pattern.compile("<p id=\"notice\"[^>]*>([^<]*)</p>");

    /** One answer: status, body, the {@code Location} header (null when none) and all headers. */
    public record Page(int status, String body, String location, HttpHeaders headers) {

        /** The hidden fields of the page's first form (the sealed login context and its CSRF token). */
        public Map<String, String> hidden() {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher m = HIDDEN.matcher(body);
            while (m.find()) {
                fields.putIfAbsent(m.group(1), m.group(2).replace("&amp;", "&"));
            }
            return fields;
        }

        /** The text of the page's notice (the message above the form), or null when it has none. */
        public String notice() {
            Matcher m = NOTICE.matcher(body);
            return m.find() ? m.group(1).replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&") : null;
        }
    }

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private String base;

    /** A browser that posts forms to {@code base} (e.g. {@code http://localhost:8080}). */
    public FormBrowser(String base) {
        this.base = Objects.requireNonNull(base, "base");
    }

    /** Posts from now on to {@code newBase}, keeping the cookies (another instance behind a load balancer). */
    public FormBrowser at(String newBase) {
        this.base = Objects.requireNonNull(newBase, "newBase");
        return this;
    }

    /** Sends {@code name: value} with every request from now on (e.g. {@code X-Forwarded-For}). */
    public FormBrowser withHeader(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    /** The value of the cookie {@code name} this browser holds now, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    public Page open(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** Posts {@code form}, URL-encoded, to {@code path} under the base. */
    public Page post(String path, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts {@code fields} with the hidden fields of {@code page}'s first form. */
    public Page submit(Page page, String path, Map<String, String> fields) {
        Map<String, String> form = new LinkedHashMap<>(page.hidden());
        form.putAll(fields);
        return post(path, form);
    }

    /** Posts {@code body} as it is, with {@code contentType}, to {@code path} under the base. */
    public Page postRaw(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Page send(HttpRequest.Builder request) {
        extraHeaders.forEach(request::header);
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
