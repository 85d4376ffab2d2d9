package io.smsotp.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.users.User;
import io.smsotp.config.AppConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecondStepTest {

    static final User WITH_MOBILE = new User("alice", "+15551234567", false, 0);
    static final User OPTED_OUT = new User("olive", "+15551234568", true, 0);
    static final User NO_MOBILE = new User("nora", null, false, 0);
    static final User OPTED_OUT_NO_MOBILE = new User("otto", null, true, 0);

    static AppConfig app(List<List<String>> steps, boolean allowUserDisable, boolean mandatory, boolean capture) {
        return new AppConfig("app", null, null, null, List.of("https://app.example/cb"), null, steps, null,
                allowUserDisable, mandatory, null, capture);
    }

    @Test
    void passwordOnlyApplicationsNeverAskForACode() {
        AppConfig basic = app(AppConfig.STEPS_BASIC, false, false, false);
        for (User u : List.of(WITH_MOBILE, OPTED_OUT, NO_MOBILE)) {
            assertThat(SecondStep.of(basic, u)).isEqualTo(SecondStep.NONE);
        }
    }

    @Test
    void aUserWithANumberGetsAnSmsCode() {
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, false, false, false), WITH_MOBILE))
                .isEqualTo(SecondStep.SMS);
    }

    @Test
    void theOptOutCountsOnlyWhereTheApplicationAllowsItAndMandatoryRefusesIt() {
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, true, false, false), OPTED_OUT)).isEqualTo(SecondStep.NONE);
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, false, false, false), OPTED_OUT)).isEqualTo(SecondStep.SMS);
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, true, true, false), OPTED_OUT))
                .isEqualTo(SecondStep.REFUSE_OPTED_OUT);
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, false, true, false), OPTED_OUT))
                .isEqualTo(SecondStep.REFUSE_OPTED_OUT);
        // opted out and allowed: no number is needed at all
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, true, false, false), OPTED_OUT_NO_MOBILE))
                .isEqualTo(SecondStep.NONE);
    }

    @Test
    void aUserWithoutANumberIsAskedForOneOnlyWhereTheApplicationCapturesIt() {
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, false, false, true), NO_MOBILE))
                .isEqualTo(SecondStep.CAPTURE_MOBILE);
        assertThat(SecondStep.of(app(AppConfig.STEPS_BASIC_SMS, false, false, false), NO_MOBILE))
                .isEqualTo(SecondStep.REFUSE_NO_MOBILE);
    }
}
