package io.smsotp.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OtpPolicyTest {

    static OtpPolicy of(Integer length, Duration ttl, Integer maxAttempts, Duration cooldown, Integer maxResends,
                        Boolean alphanumeric, String message, Integer perMinute) {
        return OtpPolicy.of(length, ttl, maxAttempts, cooldown, maxResends, alphanumeric, message, perMinute);
    }

    @Test
    void theDefaultsAreSixDigitsFiveMinutesFiveAttemptsAndThreeResendsThirtySecondsApart() {
        OtpPolicy p = of(null, null, null, null, null, null, null, null);
        assertThat(p).isEqualTo(new OtpPolicy(6, Duration.ofMinutes(5), 5, Duration.ofSeconds(30), 3, false, null, null));
        assertThat(p).isEqualTo(OtpPolicy.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 11, 0, -1})
    void aLengthOutside4To10IsRefused(int length) {
        assertThatThrownBy(() -> of(length, null, null, null, null, null, null, null))
                .hasMessageContaining("length must be 4..10");
    }

    @ParameterizedTest
    @CsvSource({"PT0S", "PT10M1S", "-PT1M", "PT1H"})
    void aLifetimeOfNothingOrOverTenMinutesIsRefused(String ttl) {
        assertThatThrownBy(() -> of(null, Duration.parse(ttl), null, null, null, null, null, null))
                .hasMessageContaining("ttl must be more than 0 and at most PT10M");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 101})
    void attemptsOutside1To100AreRefused(int attempts) {
        assertThatThrownBy(() -> of(null, null, attempts, null, null, null, null, null))
                .hasMessageContaining("maxAttempts must be 1..100");
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        of(4, Duration.ofSeconds(1), 1, Duration.ZERO, 0, null, null, 1);
        of(10, Duration.ofMinutes(10), 100, Duration.ofMinutes(10), 10, true, null, null);
    }

    @Test
    void aMessageNeedsTheCodeAndOnlyKnownPlaceholders() {
        assertThat(of(null, null, null, null, null, null, "{code} for {app}, {minutes} min", null).message())
                .isEqualTo("{code} for {app}, {minutes} min");
        assertThatThrownBy(() -> of(null, null, null, null, null, null, "Your code: see app", null))
                .hasMessageContaining("must contain {code}");
        assertThatThrownBy(() -> of(null, null, null, null, null, null, "{code} for {user}", null))
                .hasMessageContaining("unknown placeholder {user}");
        assertThatThrownBy(() -> of(null, null, null, null, null, null, "{code}" + "x".repeat(320), null))
                .hasMessageContaining("1..320 characters");
    }

    @Test
    void aPerApplicationSendLimitIsAtLeastOne() {
        assertThatThrownBy(() -> of(null, null, null, null, null, null, null, 0))
                .hasMessageContaining("maxSendsPerMinute must be at least 1");
    }

    @Test
    void entropyFollowsLengthAndAlphabet() {
        assertThat(of(6, null, null, null, null, false, null, null).entropyBits()).isCloseTo(19.93, org.assertj.core.data.Offset.offset(0.01));
        assertThat(of(7, null, null, null, null, false, null, null).entropyBits()).isGreaterThan(20);
        assertThat(of(6, null, null, null, null, true, null, null).entropyBits()).isCloseTo(29.72, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void everyLengthGivesTheEntropyTheSecurityPageLists() {
        // docs/security.md lists these figures: n × log2(10) for digits, n × log2(31) for the alphanumeric alphabet
        double[] digits = {13.29, 16.61, 19.93, 23.25, 26.58, 29.90, 33.22};
        double[] alnum = {19.82, 24.77, 29.72, 34.68, 39.63, 44.59, 49.54};
        for (int length = 4; length <= 10; length++) {
            assertThat(of(length, null, null, null, null, false, null, null).entropyBits()).as("%d digits", length)
                    .isCloseTo(digits[length - 4], org.assertj.core.data.Offset.offset(0.01));
            assertThat(of(length, null, null, null, null, true, null, null).entropyBits()).as("%d symbols", length)
                    .isCloseTo(alnum[length - 4], org.assertj.core.data.Offset.offset(0.01));
        }
    }
}
