package io.smsotp.stream.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmsTextTest {

    @Test
    void saysWhatTheCodeIsForAndHowLongItLasts() {
        assertThat(SmsText.of("042917", "Acme Bank", Duration.ofMinutes(5)))
                .isEqualTo("042917 is your Acme Bank verification code. It expires in 5 minutes. Don't share it.");
    }

    @Test
    void namesTheLifetimeInWholeMinutesOrElseSeconds() {
        assertThat(SmsText.lifetime(Duration.ofMinutes(1))).isEqualTo("1 minute");
        assertThat(SmsText.lifetime(Duration.ofMinutes(10))).isEqualTo("10 minutes");
        assertThat(SmsText.lifetime(Duration.ofSeconds(90))).isEqualTo("90 seconds");
        assertThat(SmsText.lifetime(Duration.ofSeconds(30))).isEqualTo("30 seconds");
    }

    @Test
    void roundsWhatIsLeftAfterAResendDownToWholeMinutesAndNeverSaysZero() {
        assertThat(SmsText.lifetime(Duration.ofMinutes(5).minusMillis(1))).isEqualTo("4 minutes");
        assertThat(SmsText.lifetime(Duration.ofSeconds(269))).isEqualTo("4 minutes");
        assertThat(SmsText.lifetime(Duration.ofSeconds(120))).isEqualTo("2 minutes");
        assertThat(SmsText.lifetime(Duration.ofSeconds(119).plusMillis(999))).isEqualTo("119 seconds");
        assertThat(SmsText.lifetime(Duration.ofSeconds(60).plusMillis(400))).isEqualTo("1 minute");
        assertThat(SmsText.lifetime(Duration.ofSeconds(59).plusMillis(999))).isEqualTo("59 seconds");
        assertThat(SmsText.lifetime(Duration.ofMillis(1))).isEqualTo("1 second");
    }

    @Test
    void fillsTheApplicationsTemplateWithCodeAppAndWholeMinutesLeft() {
        String template = "Your {app} code: {code}. Valid {minutes} min. {code} again.";

        assertThat(SmsText.of(template, "K7M2PQ", "Acme Bank", Duration.ofMinutes(5)))
                .isEqualTo("Your Acme Bank code: K7M2PQ. Valid 5 min. K7M2PQ again.");
        assertThat(SmsText.of(template, "042917", "Acme", Duration.ofSeconds(269)))
                .isEqualTo("Your Acme code: 042917. Valid 4 min. 042917 again.");
    }

    @Test
    void minutesLeftAreWholeAndNeverBelowOne() {
        assertThat(SmsText.of("{code} {minutes}", "1234", "A", Duration.ofSeconds(59))).isEqualTo("1234 1");
        assertThat(SmsText.of("{code} {minutes}", "1234", "A", Duration.ofMillis(1))).isEqualTo("1234 1");
        assertThat(SmsText.of("{code} {minutes}", "1234", "A", Duration.ofSeconds(119))).isEqualTo("1234 1");
        assertThat(SmsText.of("{code} {minutes}", "1234", "A", Duration.ofMinutes(10))).isEqualTo("1234 10");
    }

    @Test
    void withoutATemplateTheBuiltInTextIsSent() {
        assertThat(SmsText.of(null, "042917", "Acme Bank", Duration.ofSeconds(90)))
                .isEqualTo("042917 is your Acme Bank verification code. It expires in 90 seconds. Don't share it.");
    }

    @Test
    void valuesAreInsertedLiterallyAndNeverReadAsPlaceholders() {
        // an app name with regex replacement syntax or a placeholder of its own changes nothing else
        assertThat(SmsText.of("{app}: {code}", "1234", "$1 {code} \\ {minutes}", Duration.ofMinutes(3)))
                .isEqualTo("$1 {code} \\ {minutes}: 1234");
        assertThat(SmsText.of("Code {code}, {unknown} stays", "1234", "A", Duration.ofMinutes(3)))
                .isEqualTo("Code 1234, {unknown} stays");
    }
}
