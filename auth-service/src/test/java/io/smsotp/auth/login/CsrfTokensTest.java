package io.smsotp.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrfTokensTest {

    @TempDir
    Path dataDir;

    private CsrfTokens csrf;
    private LoginContext context;

    @BeforeEach
    void setUp() {
        csrf = new CsrfTokens(LoginContextKey.loadOrCreate(dataDir));
        context = LoginContexts.atSmsStep();
    }

    @Test
    void acceptsTheTokenOfItsOwnLogin() {
        assertThat(csrf.check(context, csrf.issue(context))).isTrue();
    }

    @Test
    void keepsTheSameTokenAsTheLoginMovesOn() {
        // a page rendered before a step and submitted after it must still pass
        String token = csrf.issue(context);

        assertThat(csrf.check(context.withAmrAdded("sms"), token)).isTrue();
    }

    @Test
    void refusesTheTokenOfAnotherLogin() {
        LoginContext other = LoginContexts.atSmsStep();

        assertThat(csrf.check(context, csrf.issue(other))).isFalse();
    }

    @Test
    void refusesAMissingEmptyOrAlteredToken() {
        String token = csrf.issue(context);
        String altered = (token.charAt(0) == 'A' ? 'B' : 'A') + token.substring(1);

        assertThat(csrf.check(context, null)).isFalse();
        assertThat(csrf.check(context, "")).isFalse();
        assertThat(csrf.check(context, altered)).isFalse();
        assertThat(csrf.check(context, token.substring(1))).isFalse();
        assertThat(csrf.check(context, token + "A")).isFalse();
    }

    @Test
    void refusesATokenMadeUnderAnotherKey(@TempDir Path otherDir) {
        String foreign = new CsrfTokens(LoginContextKey.loadOrCreate(otherDir)).issue(context);

        assertThat(csrf.check(context, foreign)).isFalse();
    }

    @Test
    void neverEqualsTheBindingCookie() {
        assertThat(csrf.issue(context)).isNotEqualTo(context.binding()).matches("[A-Za-z0-9_-]{43}");
    }
}
