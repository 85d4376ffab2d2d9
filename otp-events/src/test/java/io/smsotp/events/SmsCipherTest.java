package io.smsotp.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SmsCipherTest {

    static final SmsCipher CIPHER = new SmsCipher("sms-cipher-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final SmsRequest PLAIN = new SmsRequest("m-1", "ch-1", "shop", "+15551234567",
            "482913 is your Shop verification code. Grüße ✓", Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void aSealedTextHidesTheCodeAndOpensBackToTheSameRequest() {
        SmsRequest sealed = CIPHER.seal(PLAIN);
        assertThat(sealed.text()).startsWith(SmsCipher.PREFIX).doesNotContain("482913");
        assertThat(Json.MAPPER.valueToTree(sealed).toString()).doesNotContain("482913");
        assertThat(CIPHER.open(sealed)).isEqualTo(PLAIN);
        assertThat(CIPHER.seal(PLAIN).text()).as("a fresh nonce each time").isNotEqualTo(sealed.text());
    }

    @Test
    void aChangedTextAnotherKeyOrAnotherRequestDoNotOpen() {
        SmsRequest sealed = CIPHER.seal(PLAIN);
        String t = sealed.text();
        char last = t.charAt(t.length() - 3);
        SmsRequest changed = new SmsRequest("m-1", "ch-1", "shop", PLAIN.to(),
                t.substring(0, t.length() - 3) + (last == 'A' ? 'B' : 'A') + t.substring(t.length() - 2), PLAIN.expiresAt());
        SmsRequest moved = new SmsRequest("m-2", "ch-1", "shop", PLAIN.to(), t, PLAIN.expiresAt());
        SmsCipher other = new SmsCipher(new byte[32]);

        for (Runnable r : new Runnable[] {() -> CIPHER.open(changed), () -> CIPHER.open(moved), () -> other.open(sealed)}) {
            assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not open");
        }
    }

    @Test
    void plaintextAndGarbageAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> CIPHER.open(PLAIN)).hasMessageContaining("not sealed").hasMessageNotContaining("482913");
        SmsRequest garbage = new SmsRequest("m-1", "ch-1", "shop", PLAIN.to(), SmsCipher.PREFIX + "!!", PLAIN.expiresAt());
        assertThatThrownBy(() -> CIPHER.open(garbage)).hasMessageContaining("not base64");
        assertThatThrownBy(() -> new SmsCipher(new byte[31])).hasMessageContaining("at least 32 bytes");
    }
}
