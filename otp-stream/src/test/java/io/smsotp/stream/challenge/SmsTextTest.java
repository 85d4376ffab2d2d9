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
}
