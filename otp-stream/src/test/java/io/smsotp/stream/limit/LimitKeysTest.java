package io.smsotp.stream.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LimitKeysTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final LimitKeys keys = new LimitKeys(KEY);

    @Test
    void aNumberOrAnIpIsKeyedByItsHmacNeverByItself() {
        String number = keys.number("+15551234567");
        String ip = keys.ip("203.0.113.7");

        assertThat(number).startsWith("per_number:").doesNotContain("5551234567").hasSize("per_number:".length() + 22);
        assertThat(ip).startsWith("per_ip:").doesNotContain("203.0.113");
        assertThat(keys.app("demo")).isEqualTo("per_app:demo");
    }

    @Test
    void keysAreStableAndTellValuesApart() {
        assertThat(keys.number("+15551234567")).isEqualTo(new LimitKeys(KEY).number("+15551234567"))
                .isNotEqualTo(keys.number("+15551234568"));
        assertThat(keys.ip("203.0.113.7")).isNotEqualTo(keys.ip("203.0.113.8"));
    }

    @Test
    void anotherServerSecretMakesOtherKeys() {
        assertThat(new LimitKeys(OTHER_KEY).number("+15551234567")).isNotEqualTo(keys.number("+15551234567"));
    }

    @Test
    void oneIpv6SubscriberBlockCountsAsOneClientWhateverTheSpelling() {
        String a = keys.ip("2001:db8:1234:5678::1");
        assertThat(keys.ip("2001:0db8:1234:5678:ffff:ffff:ffff:ffff")).isEqualTo(a);
        assertThat(keys.ip("[2001:DB8:1234:5678::abcd]")).isEqualTo(a);
        assertThat(keys.ip("2001:db8:1234:5679::1")).isNotEqualTo(a);
        assertThat(LimitKeys.normalizeIp("2001:db8:1234:5678::1")).isEqualTo("2001:db8:1234:5678:0:0:0:0/64");
    }

    @Test
    void ipv4IsTakenAsGivenAndAMappedIpv4CountsAsItself() {
        assertThat(LimitKeys.normalizeIp(" 203.0.113.7 ")).isEqualTo("203.0.113.7");
        assertThat(LimitKeys.normalizeIp("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(keys.ip("::ffff:203.0.113.7")).isEqualTo(keys.ip("203.0.113.7"));
    }

    @Test
    void somethingThatIsNoAddressIsCountedUnderItsOwnSpellingWithoutALookup() {
        assertThat(LimitKeys.normalizeIp("Not-An-IP.example")).isEqualTo("not-an-ip.example");
        assertThat(LimitKeys.normalizeIp("999.1.1.1")).isEqualTo("999.1.1.1");
        assertThat(LimitKeys.normalizeIp("::zz")).isEqualTo("::zz");
    }

    @Test
    void refusesAShortKey() {
        assertThatThrownBy(() -> new LimitKeys(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream.codeHmacKey");
    }
}
