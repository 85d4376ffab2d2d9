package io.smsotp.auth.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.IpRange;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIpsTest {

    static final List<IpRange> PROXIES = List.of(IpRange.parse("p", "10.0.0.0/8"), IpRange.parse("p", "::1"));

    @Test
    void withoutTrustedProxiesTheConnectionIsTheClientWhateverTheHeaderSays() {
        assertThat(ClientIps.of("10.0.0.5", headers("1.2.3.4"), List.of())).isEqualTo("10.0.0.5");
    }

    @Test
    void aConnectionFromElsewhereIsTheClientEvenWithTrustedProxiesSet() {
        assertThat(ClientIps.of("203.0.113.9", headers("1.2.3.4"), PROXIES)).isEqualTo("203.0.113.9");
    }

    @Test
    void theClientIsTheRightmostAddressThatIsNotATrustedProxy() {
        // the client wrote "6.6.6.6"; the outer proxy appended 198.51.100.7, an inner one 10.0.0.2
        assertThat(ClientIps.of("10.0.0.3", headers("6.6.6.6, 198.51.100.7, 10.0.0.2"), PROXIES))
                .isEqualTo("198.51.100.7");
        assertThat(ClientIps.of("10.0.0.3", headers("6.6.6.6", "198.51.100.7"), PROXIES))
                .as("several headers are one list").isEqualTo("198.51.100.7");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClientAndJunkStopsTheWalk() {
        assertThat(ClientIps.of("10.0.0.3", headers("10.0.0.9, 10.0.0.2"), PROXIES)).isEqualTo("10.0.0.9");
        assertThat(ClientIps.of("10.0.0.3", headers("evil, 10.0.0.2"), PROXIES)).isEqualTo("10.0.0.2");
        assertThat(ClientIps.of("10.0.0.3", headers("[2001:db8::1]"), PROXIES)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(ClientIps.of("10.0.0.3", null, PROXIES)).isEqualTo("10.0.0.3");
    }

    private static java.util.Enumeration<String> headers(String... values) {
        return Collections.enumeration(List.of(values));
    }
}
