package io.smsotp.dispatcher;

import io.smsotp.config.ConfigException;
import io.smsotp.config.DispatcherSettings;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.dispatcher.provider.ProviderPresets;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.SmsCipher;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The part of the configuration a dispatcher worker reads, checked where it is built: the brokers,
 * its own settings, the providers (each preset expanded once to prove it can be), the key that
 * opens the SMS texts, and the key of the live configuration when the providers follow it.
 *
 * @param providers in failover order, as the file gives them; none means every request fails
 * @param configCipher opens {@code smsotp.config}; null: {@code providers} for the worker's life
 */
public record DispatcherConfig(KafkaSettings kafka, DispatcherSettings dispatcher, List<ProviderConfig> providers,
                               SmsCipher smsCipher, ConfigCipher configCipher) {

    public DispatcherConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(dispatcher, "dispatcher");
        providers = List.copyOf(Objects.requireNonNull(providers, "providers"));
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            throw new ConfigException("kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        if (smsCipher == null) {
            throw new ConfigException("smsEncryptionKey is required: otp-stream seals each SMS text with it and only"
                    + " the dispatcher opens it (base64, at least 32 bytes, the same value for both)");
        }
        for (int i = 0; i < providers.size(); i++) {
            try {
                // a preset is expanded where it is sent: a missing credential stops this worker's start
                ProviderPresets.expand(providers.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("providers[" + i + "] (" + providers.get(i).name() + "): " + e.getMessage());
            }
        }
    }

    /** The dispatcher's part of a whole configuration file. */
    public static DispatcherConfig of(SmsOtpConfig config) {
        return new DispatcherConfig(config.kafka(), config.dispatcher(), config.providers(), config.smsCipher(),
                config.configCipher());
    }

    /** Fixed providers, no live configuration: the tests' and benchmarks' worker. */
    public static DispatcherConfig fixed(DispatcherSettings dispatcher, List<ProviderConfig> providers,
                                         String bootstrapServers, SmsCipher cipher, Map<String, String> properties) {
        return new DispatcherConfig(KafkaSettings.defaults().withBootstrapServers(bootstrapServers)
                .withProperties(properties), dispatcher, providers, cipher, null);
    }

    /** What holds until the live configuration is seeded: the file's providers. */
    LiveConfig fileView() {
        return new LiveConfig(providers, Map.of(), RateLimitSettings.defaults(), Map.of(), false);
    }
}
