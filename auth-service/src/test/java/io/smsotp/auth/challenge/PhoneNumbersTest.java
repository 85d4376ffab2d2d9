package io.smsotp.auth.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.auth.http.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @ParameterizedTest
    @CsvSource({
            "+15551234567, +15551234567",
            "'+1 (555) 123-4567', +15551234567",
            "' +1.555.123.4567 ', +15551234567",
            "+14155552671, +14155552671",
            "+44 7911 123456, +447911123456",
            "+49 151 12345678, +4915112345678",
            "+33 6 12 34 56 78, +33612345678"})
    void normalisesInternationalNumbersToE164(String input, String e164) {
        assertThat(PhoneNumbers.toE164(input)).isEqualTo(e164);
    }

    @ParameterizedTest
    @CsvSource({"'+1 (555) 123-4567', +15551234567, 1", "+44 7911 123456, +447911123456, 44",
            "+49 151 12345678, +4915112345678, 49", "+33 6 12 34 56 78, +33612345678, 33"})
    void oneParseGivesTheNumberAndItsCountryCode(String input, String e164, int countryCode) {
        assertThat(PhoneNumbers.parse(input)).isEqualTo(new PhoneNumbers.Parsed(e164, countryCode));
        assertThat(PhoneNumbers.countryCode(e164)).isEqualTo(countryCode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5551234567", "0151 12345678", "+1555", "+15550100", "+999123456789",
            "+1 555 CALL NOW", "+1 555 123 4567 ext. 12", "tel:+15551234567", "+", ""})
    void rejectsNationalImpossibleOrDecoratedNumbers(String input) {
        assertThatThrownBy(() -> PhoneNumbers.toE164(input))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("invalid_number");
                });
    }

    @Test
    void neverEchoesTheNumberInItsError() {
        assertThatThrownBy(() -> PhoneNumbers.toE164("+1555987"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("555987"));
    }

    @ParameterizedTest
    @CsvSource({"+15551234567, +*******4567", "+447911123456, +********3456", "+4915112345678, +*********5678"})
    void masksAllButTheLastFourDigits(String e164, String masked) {
        assertThat(PhoneNumbers.mask(e164)).isEqualTo(masked);
    }
}
