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
}
