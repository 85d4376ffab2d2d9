package io.smsotp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void aBlockHoldsTheAddressesOfItsPrefixOnly() {
        IpRange block = IpRange.parse("k", "10.1.0.0/16");

        assertThat(block.contains("10.1.0.1")).isTrue();
        assertThat(block.contains("10.1.255.254")).isTrue();
        assertThat(block.contains("10.2.0.1")).isFalse();
        assertThat(block.contains("::ffff:10.1.2.3")).as("an IPv4-mapped IPv6 address is its IPv4 address").isTrue();
        assertThat(block.contains("not-an-address")).isFalse();
        assertThat(block.contains(null)).isFalse();
    }

    @Test
    void aBareAddressIsABlockOfOneAndIpv6Works() {
        assertThat(IpRange.parse("k", "192.0.2.7").contains("192.0.2.7")).isTrue();
        assertThat(IpRange.parse("k", "192.0.2.7").contains("192.0.2.8")).isFalse();
        assertThat(IpRange.parse("k", "2001:db8::/32").contains("2001:db8:1::5")).isTrue();
        assertThat(IpRange.parse("k", "2001:db8::/32").contains("2001:db9::5")).isFalse();
        assertThat(IpRange.parse("k", "::1").contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(IpRange.parse("k", "10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    }

    @Test
    void anythingButALiteralAddressOrBlockIsRefusedNamingTheKey() {
        for (String bad : new String[] {"", "proxy.example.com", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "::1/129",
                "1.2.3.4/abc"}) {
            assertThatThrownBy(() -> IpRange.parse("auth.trustedProxies[0]", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.trustedProxies[0]");
        }
    }

    @Test
    void trustForwardedForIsRefusedAtStartSayingWhatToUseInstead() {
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {trustForwardedFor: true}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trustForwardedFor")
                .hasMessageContaining("auth.trustedProxies");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {trustedProxies: ['lb.internal']}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.trustedProxies[0]");
        assertThat(ConfigLoader.parse("auth: {trustedProxies: ['10.0.0.0/8', '::1']}", Map.of()).auth()
                .trustedProxies()).containsExactly("10.0.0.0/8", "0:0:0:0:0:0:0:1/128");
    }

    @Test
    void theLoginLimitsHaveSafeDefaultsAndRefuseNonsense() {
        AuthSettings auth = AuthSettings.defaults();
        assertThat(auth.trustedProxies()).isEmpty();
        assertThat(auth.failedPasswordsPerIp().max()).isEqualTo(30);
        assertThat(auth.passwordHashing().concurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {passwordHashing: {concurrency: 0}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.passwordHashing.concurrency");
        assertThatThrownBy(() -> ConfigLoader.parse("auth: {failedPasswordsPerIp: {max: 0}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.failedPasswordsPerIp.max");
    }
}
