package io.smsotp.auth.login;

import static io.smsotp.auth.login.LoginContexts.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginContextTest {

    @Test
    void startsAtThePasswordPageForFifteenMinutes() {
        LoginContext context = LoginContext.start("app", URI.create("https://app.example/cb"), "s", "n", null,
                "openid", NOW.plusMillis(400));

        assertThat(context.step()).isEqualTo(LoginContext.Step.PASSWORD);
        assertThat(context.username()).isNull();
        assertThat(context.amr()).isEmpty();
        assertThat(context.issuedAt()).isEqualTo(NOW);
        assertThat(context.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
        assertThat(context.binding()).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void givesEachLoginItsOwnBinding() {
        assertThat(LoginContexts.atSmsStep().binding()).isNotEqualTo(LoginContexts.atSmsStep().binding());
    }

    @Test
    void recordsThePasswordFactorOnceAndKeepsTheExpiry() {
        LoginContext context = LoginContexts.atSmsStep();
        LoginContext again = context.withAmrAdded("pwd").withAmrAdded("sms");

        assertThat(again.amr()).containsExactly("pwd", "sms");
        assertThat(again.expiresAt()).isEqualTo(context.expiresAt());
        assertThat(again.binding()).isEqualTo(context.binding());
    }

    @Test
    void refusesALaterStepWithoutAUser() {
        assertThatThrownBy(() -> new LoginContext("app", URI.create("https://app.example/cb"), null, null, null,
                "openid", LoginContext.Step.SMS_OTP, null, null, List.of(), null, null, "b", NOW,
                NOW.plusSeconds(60), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs username");
    }

    @Test
    void masksTheChallengeIdNumberAndBindingInToString() {
        LoginContext context = LoginContexts.atSmsStep();

        assertThat(context.toString())
                .contains("alice.wonder", "***4567", "***sZ4A")
                .doesNotContain(context.challengeId(), context.mobileToCapture(), context.binding());
    }
}
