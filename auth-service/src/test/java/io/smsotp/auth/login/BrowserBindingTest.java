package io.smsotp.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrowserBindingTest {

    @Test
    void setsAnHttpOnlyLaxCookieSecureOnlyOverHttps() {
        String https = BrowserBinding.setCookieHeader("abc", true, Duration.ofMinutes(15));
        String http = BrowserBinding.setCookieHeader("abc", false, Duration.ofMinutes(15));

        assertThat(https).startsWith("smsotp_login_binding=abc;")
                .contains("; HttpOnly", "; SameSite=Lax", "; Max-Age=900", "; Path=/").endsWith("; Secure");
        assertThat(http).contains("; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");
    }
}
