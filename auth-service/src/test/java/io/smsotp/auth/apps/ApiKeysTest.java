package io.smsotp.auth.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.AppConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(List.of(
            new AppConfig("shop", null, "shop-key-0123456789abcdef", null),
            new AppConfig("bank", null, "bank-key-0123456789abcdef", null)));

    @Test
    void findsTheApplicationOfEachKey() {
        assertThat(keys.find("shop-key-0123456789abcdef")).hasValueSatisfying(a -> assertThat(a.id()).isEqualTo("shop"));
        assertThat(keys.find("bank-key-0123456789abcdef")).hasValueSatisfying(a -> assertThat(a.id()).isEqualTo("bank"));
    }

    @Test
    void findsNothingForAnUnknownOrNearlyRightKey() {
        assertThat(keys.find("")).isEmpty();
        assertThat(keys.find("shop-key-0123456789abcde")).isEmpty();
        assertThat(keys.find("shop-key-0123456789abcdeF")).isEmpty();
        assertThat(keys.find("SHOP-KEY-0123456789ABCDEF")).isEmpty();
    }

    @Test
    void knowsNoKeyWithoutApplications() {
        assertThat(new ApiKeys(List.of()).find("shop-key-0123456789abcdef")).isEmpty();
    }

    @Test
    void anOidcOnlyAppHasNoWayIntoTheApi() {
        AppConfig oidcOnly = new AppConfig("web", null, null, null, List.of("https://web.example/cb"), null, null, null,
                null, null, null, null);
        ApiKeys withClient = new ApiKeys(List.of(oidcOnly, new AppConfig("shop", null, "shop-key-0123456789abcdef", null)));

        assertThat(withClient.find("shop-key-0123456789abcdef")).isPresent();
        assertThat(withClient.find("web")).isEmpty();
        assertThat(withClient.find("null")).isEmpty();
    }
}
