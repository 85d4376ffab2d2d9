package io.smsotp.config.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.Json;
import io.smsotp.events.OtpPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveConfigTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");
    private final ConfigCodec codec = new ConfigCodec(new ConfigCipher(KEY));

    @Test
    void anEntryIsSealedOnTheTopicAndOpensToTheSameEntry() {
        ProviderConfig provider = new ProviderConfig("acme", "https://sms.example/send", "POST",
                Map.of("Authorization", "Bearer tok-SECRET-1234"), "{\"to\":\"$ctx.num\"}", List.of());
        ConfigEntry entry = new ConfigEntry(ConfigKind.PROVIDER, "acme", 3, 1, AT, "admin:root", provider.toTree());

        String value = codec.encode(entry);

        assertThat(value).doesNotContain("tok-SECRET").doesNotContain("sms.example").contains("\"version\":3");
        ConfigEntry back = codec.decode("provider/acme", value);
        assertThat(back).isEqualTo(entry);
        assertThat(ConfigLoader.bindPart(back.body(), ProviderConfig.class)).isEqualTo(provider);
    }

    @Test
    void aSealedBodyCopiedOntoAnotherKeyOrOpenedWithAnotherKeyIsRefused() {
        ConfigEntry entry = new ConfigEntry(ConfigKind.APP, "a", 1, 0, AT, "system",
                Json.MAPPER.createObjectNode().put("id", "a"));
        String value = codec.encode(entry);

        assertThatThrownBy(() -> codec.decode("app/b", value)).isInstanceOf(IllegalArgumentException.class);
        ConfigCodec other = new ConfigCodec(new ConfigCipher("another-key-another-key-another-k".getBytes()));
        assertThatThrownBy(() -> other.decode("app/a", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("nonsense/a", value)).hasMessageContaining("names no kind");
    }

    @Test
    void aPresetProviderGoesToTheTopicAsGiven() {
        ProviderConfig twilio = new ProviderConfig(null, null, null, null, null, null, "twilio", null,
                Map.of("accountSid", "AC123", "authToken", "old-token"), "+15550001111", null, null, null);

        JsonNode tree = twilio.toTree();

        assertThat(tree.has("url")).isFalse();
        assertThat(ConfigLoader.bindPart(tree, ProviderConfig.class)).isEqualTo(twilio);
    }

    @Test
    void providersAreInTheirPositionsOrderAndABadEntryIsLeftOut() {
        Map<String, ConfigEntry> entries = new LinkedHashMap<>();
        entries.put("provider/b", provider("b", 0));
        entries.put("provider/a", provider("a", 1));
        entries.put("provider/bad", new ConfigEntry(ConfigKind.PROVIDER, "bad", 1, 2, AT, "x",
                Json.MAPPER.createObjectNode().put("name", "bad").put("method", "PUT").put("url", "http://x")));
        AppConfig app = new AppConfig("shop", null, "sha256:" + AdminSettings.sha256Hex("k".repeat(20)),
                OtpPolicy.DEFAULT);
        entries.put("app/shop", new ConfigEntry(ConfigKind.APP, "shop", 1, 0, AT, "x", ConfigLoader.treeOf(app)));
        entries.put("rateLimits/global", new ConfigEntry(ConfigKind.RATE_LIMITS, "global", 1, 0, AT, "x",
                ConfigLoader.treeOf(new RateLimitSettings(new RateLimitSettings.Limit(2, Duration.ofMinutes(1)), null))));

        LiveConfig live = LiveConfig.fromEntries(entries);

        assertThat(live.providers()).extracting(ProviderConfig::name).containsExactly("b", "a");
        assertThat(live.app("shop")).contains(app);
        assertThat(live.app("shop").orElseThrow().apiKeySha256()).isEqualTo(AdminSettings.sha256Hex("k".repeat(20)));
        assertThat(live.rateLimits().perNumber().max()).isEqualTo(2);
        assertThat(live.fromTopic()).isTrue();
    }

    @Test
    void adminKeysAreGivenAsKeysOrAsTheirHashesAndAShortOneIsRefused() {
        AdminSettings admin = new AdminSettings(List.of("x".repeat(24), "sha256:" + "AB".repeat(32)));

        assertThat(admin.keyDigests()).containsExactly(AdminSettings.sha256Hex("x".repeat(24)), "ab".repeat(32));
        assertThatThrownBy(() -> new AdminSettings(List.of("short"))).hasMessageContaining("admin.apiKeys[0]");
        assertThatThrownBy(() -> new AdminSettings(List.of("sha256:12"))).hasMessageContaining("64 hex");
        assertThatThrownBy(() -> ConfigLoader.parse("admin:\n  apiKeys: [tooshort]\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin.apiKeys[0]");
    }

    private static ConfigEntry provider(String name, int position) {
        ProviderConfig p = new ProviderConfig(name, "http://" + name + ".example/send", "GET", null, null, null);
        return new ConfigEntry(ConfigKind.PROVIDER, name, 1, position, AT, "x", p.toTree());
    }
}
