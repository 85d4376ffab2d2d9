package io.smsotp.auth;

import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.ConfigException;
import io.smsotp.config.DatabaseSettings;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.dispatcher.provider.ProviderPresets;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.ConfigCipher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The part of the configuration auth-service reads, checked where it is built. It is the larger
 * part of the file: besides its own settings, its database, its admins and the users it imports,
 * it holds the providers, apps and send limits that seed the live configuration (each provider's
 * preset expanded once, as the dispatchers will, so that a bad one is refused before it is
 * seeded), the key that seals typed codes and the key of the live configuration.
 *
 * @param providerTestTimeout how long a test SMS from the admin API may take ({@code dispatcher.requestTimeout})
 */
public record AuthConfig(KafkaSettings kafka, AuthSettings auth, DatabaseSettings database, AdminSettings admin,
                         List<AppConfig> apps, List<UserConfig> users, List<ProviderConfig> providers,
                         RateLimitSettings rateLimits, CodeCipher codeCipher, ConfigCipher configCipher,
                         Duration providerTestTimeout) {

    public AuthConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(admin, "admin");
        apps = List.copyOf(apps);
        users = List.copyOf(users);
        providers = List.copyOf(providers);
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(providerTestTimeout, "providerTestTimeout");
        for (int i = 0; i < providers.size(); i++) {
            try {
                ProviderPresets.expand(providers.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("providers[" + i + "]: " + e.getMessage());
            }
        }
    }

    /** auth-service's part of a whole configuration file. */
    public static AuthConfig of(SmsOtpConfig c) {
        return new AuthConfig(c.kafka(), c.auth(), c.database(), c.admin(), c.apps(), c.users(), c.providers(),
                c.rateLimits(), c.codeCipher(), c.configCipher(), c.dispatcher().requestTimeout());
    }

    /** The file's providers, apps and send limits: what holds until the live configuration is seeded, and its seed. */
    public LiveConfig fileView() {
        Map<String, AppConfig> byId = new java.util.LinkedHashMap<>();
        apps.forEach(a -> byId.put(a.id(), a));
        return new LiveConfig(providers, byId, rateLimits, Map.of(), false);
    }
}
