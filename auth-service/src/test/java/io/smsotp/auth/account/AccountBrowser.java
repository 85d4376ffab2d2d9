package io.smsotp.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.login.CsrfTokens;
import io.smsotp.testsupport.FormBrowser;
import io.smsotp.testsupport.FormBrowser.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A browser without script for smsotp's own pages: signs in through the hosted login and posts their forms. */
final class AccountBrowser {

    private static final HttpClient RAW = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final FormBrowser forms;
    final String base;

    AccountBrowser(String base) {
        this.base = base;
        this.forms = new FormBrowser(base);
    }

    Page get(String pathOrUrl) {
        return forms.open(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl));
    }

    /** Posts {@code fields} with {@code page}'s hidden fields (its CSRF token, a pending change). */
    Page submit(Page page, String path, Map<String, String> fields) {
        return forms.at(base).submit(page, path, fields);
    }

    Page post(String path, Map<String, String> fields) {
        return forms.at(base).post(path, fields);
    }

    /** From {@code area}'s page to the hosted login's code page, through the password. */
    Page toCodePage(String area, String username, String password) {
        Page start = get(area);
        assertThat(start.status()).as(start.body()).isEqualTo(303);
        Page login = get(start.location());
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        Page code = forms.at(base).submit(login, ApiPaths.LOGIN_PASSWORD, Map.of("username", username,
                "password", password));
        assertThat(code.status()).as(code.body()).isEqualTo(200);
        assertThat(code.body()).contains("id=\"otp-form\"");
        return code;
    }

    /** Enters {@code code} on the code page: the answer is the redirect to the area's callback. */
    Page enterCode(Page codePage, String code) {
        Page back = forms.at(base).submit(codePage, ApiPaths.LOGIN_OTP, Map.of("code", code, "action", "continue"));
        assertThat(back.status()).as(back.body()).isEqualTo(303);
        return back;
    }

    /** Signs in to {@code area} (password, then {@code code}) and returns the page the callback sends to. */
    Page signIn(String area, String username, String password, String code) {
        Page callback = get(enterCode(toCodePage(area, username, password), code).location());
        assertThat(callback.status()).as(callback.body()).isEqualTo(303);
        return get(callback.location());
    }

    Page signIn(String username, String password, String code) {
        Page account = signIn(ApiPaths.ACCOUNT, username, password, code);
        assertThat(account.status()).as(account.body()).isEqualTo(200);
        return account;
    }

    String cookie(String name) {
        return forms.cookie(name);
    }

    /** A GET that carries exactly {@code cookie} and no other: a browser with a cookie of its own making. */
    static HttpResponse<String> getWithCookie(String url, String cookie) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET());
    }

    /** A form post that carries exactly {@code cookie} (may be null) and {@code fields}. */
    static HttpResponse<String> postWithCookie(String url, String cookie, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            body.append(body.isEmpty() ? "" : "&").append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return send(b);
    }

    static Map<String, String> csrf(Page page) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CsrfTokens.FIELD_NAME, page.hidden().get(CsrfTokens.FIELD_NAME));
        return m;
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return RAW.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
