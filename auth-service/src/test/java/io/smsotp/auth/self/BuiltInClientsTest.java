package io.smsotp.auth.self;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.AppConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.live.LiveConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BuiltInClientsTest {

    static final URI ISSUER = URI.create("https://login.example/");

    @Test
    void reservesEveryIdThatStartsWithSmsotpInAnyCase() {
        assertThat(BuiltInClients.isReserved("smsotp-account")).isTrue();
        assertThat(BuiltInClients.isReserved("smsotp-console")).isTrue();
        assertThat(BuiltInClients.isReserved("smsotp-anything")).isTrue();
        assertThat(BuiltInClients.isReserved("SMSOTP-Account")).isTrue();
        assertThat(BuiltInClients.isReserved("smsotp")).isFalse();
        assertThat(BuiltInClients.isReserved("my-smsotp-app")).isFalse();
        assertThat(BuiltInClients.isReserved(null)).isFalse();
    }

    @Test
    void bothArePublicPkceClientsThatAlwaysAskForTheSmsCode() {
        List<AppConfig> apps = BuiltInClients.apps(ISSUER);

        assertThat(apps).extracting(AppConfig::id).containsExactly("smsotp-account", "smsotp-console");
        assertThat(apps.get(0).redirectUris()).containsExactly("https://login.example/account/callback");
        assertThat(apps.get(1).redirectUris()).containsExactly("https://login.example/admin/callback");
        for (AppConfig app : apps) {
            assertThat(app.publicClient()).isTrue();
            assertThat(app.requirePkce()).isTrue();
            assertThat(app.steps()).isEqualTo(AppConfig.STEPS_BASIC_SMS);
            assertThat(app.allowUserDisable()).as("an opted-out user is asked for the code all the same").isFalse();
            assertThat(app.smsOtpMandatory()).as("not refused: the account page is where codes go back on").isFalse();
            assertThat(app.captureMobile()).isFalse();
            assertThat(app.apiKey()).as("no way into the 2FA API").isNull();
        }
    }

    @Test
    void areAddedToWhatTheTopicHoldsAndReplaceAnAppOfAReservedId() {
        AppConfig shop = new AppConfig("shop", "Shop", null, null, List.of("https://shop.example/cb"), null, null,
                null, true, null, null, null);
        AppConfig impostor = new AppConfig("smsotp-account", "Impostor", null, null,
                List.of("https://evil.example/cb"), null, AppConfig.STEPS_BASIC, null, null, null, null, null);
        AppConfig other = new AppConfig("smsotp-extra", "Extra", null, null, List.of("https://x.example/cb"), null,
                null, null, null, null, null, null);

        LiveConfig with = BuiltInClients.around(() -> live(shop, impostor, other), ISSUER).get();

        assertThat(with.apps().keySet()).containsExactly("shop", "smsotp-account", "smsotp-console");
        assertThat(with.app("smsotp-account").orElseThrow().redirectUris())
                .containsExactly("https://login.example/account/callback");
        assertThat(with.app("shop")).contains(shop);
    }

    @Test
    void followTheSourceAndComputeOncePerChange() {
        AtomicReference<LiveConfig> source = new AtomicReference<>(live());
        Supplier<LiveConfig> with = BuiltInClients.around(source::get, ISSUER);

        LiveConfig first = with.get();
        assertThat(with.get()).isSameAs(first);
        source.set(live(new AppConfig("shop", "Shop", null, null, List.of("https://shop.example/cb"), null, null,
                null, null, null, null, null)));

        assertThat(with.get()).isNotSameAs(first);
        assertThat(with.get().apps().keySet()).containsExactly("shop", "smsotp-account", "smsotp-console");
    }

    static LiveConfig live(AppConfig... apps) {
        Map<String, AppConfig> byId = new LinkedHashMap<>();
        for (AppConfig a : apps) {
            byId.put(a.id(), a);
        }
        return new LiveConfig(List.of(), byId, RateLimitSettings.defaults(), Map.of(), true);
    }
}
