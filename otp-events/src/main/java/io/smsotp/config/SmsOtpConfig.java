package io.smsotp.config;

import io.smsotp.events.CodeCipher;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.SmsCipher;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The whole configuration file. Every service reads the same file and uses its own part, so one
 * file (and one set of environment variables) configures a whole deployment.
 */
public record SmsOtpConfig(KafkaSettings kafka, AuthSettings auth, StreamSettings stream,
                           DispatcherSettings dispatcher, GatewaySettings gateway,
                           List<ProviderConfig> providers, List<AppConfig> apps, DatabaseSettings database,
                           List<UserConfig> users, RateLimitSettings rateLimits, String smsEncryptionKey,
                           String codeEncryptionKey, AdminSettings admin, String configEncryptionKey) {

    public SmsOtpConfig {
        kafka = Settings.orDefault(kafka, KafkaSettings.defaults());
        auth = Settings.orDefault(auth, AuthSettings.defaults());
        stream = Settings.orDefault(stream, StreamSettings.defaults());
        dispatcher = Settings.orDefault(dispatcher, DispatcherSettings.defaults());
        gateway = Settings.orDefault(gateway, GatewaySettings.defaults());
        providers = providers == null ? List.of() : List.copyOf(providers);
        apps = apps == null ? List.of() : List.copyOf(apps);
        database = Settings.orDefault(database, DatabaseSettings.defaults());
        users = users == null ? List.of() : List.copyOf(users);
        rateLimits = Settings.orDefault(rateLimits, RateLimitSettings.defaults());
        Settings.secret("smsEncryptionKey", smsEncryptionKey);
        Settings.secret("codeEncryptionKey", codeEncryptionKey);
        admin = Settings.orDefault(admin, AdminSettings.defaults());
        Settings.secret("configEncryptionKey", configEncryptionKey);
        Set<String> seen = new HashSet<>();
        for (ProviderConfig p : providers) {
            if (!seen.add(p.name())) {
                throw new ConfigException("providers: name '" + p.name() + "' is used twice");
            }
        }
        seen.clear();
        Set<String> keys = new HashSet<>();
        for (AppConfig a : apps) {
            if (!seen.add(a.id())) {
                throw new ConfigException("apps: id '" + a.id() + "' is used twice");
            }
            // an app without a key is an OIDC client only: nothing to collide with
            if (a.apiKey() != null && !keys.add(a.apiKeySha256())) {
                throw new ConfigException("apps: app '" + a.id() + "' has the apiKey of another app");
            }
        }
        seen.clear();
        for (UserConfig u : users) {
            // the store matches usernames without regard to case, so Alice and alice are one user
            if (!seen.add(u.username().toLowerCase(Locale.ROOT))) {
                throw new ConfigException("users: username '" + u.username() + "' is used twice");
            }
        }
    }

    public static SmsOtpConfig defaults() {
        return new SmsOtpConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public SmsOtpConfig withKafka(KafkaSettings k) {
        return new SmsOtpConfig(k, auth, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withStream(StreamSettings s) {
        return new SmsOtpConfig(kafka, auth, s, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withDispatcher(DispatcherSettings d) {
        return new SmsOtpConfig(kafka, auth, stream, d, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withProviders(List<ProviderConfig> p) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, p, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withApps(List<AppConfig> a) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, a, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withAuth(AuthSettings a) {
        return new SmsOtpConfig(kafka, a, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withGateway(GatewaySettings g) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, g, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withDatabase(DatabaseSettings d) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, d, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withUsers(List<UserConfig> u) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, u, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withRateLimits(RateLimitSettings r) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, users, r,
                smsEncryptionKey, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withSmsEncryptionKey(String key) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                key, codeEncryptionKey, admin, configEncryptionKey);
    }

    public SmsOtpConfig withCodeEncryptionKey(String key) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, key, admin, configEncryptionKey);
    }

    public SmsOtpConfig withAdmin(AdminSettings a) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, a, configEncryptionKey);
    }

    public SmsOtpConfig withConfigEncryptionKey(String key) {
        return new SmsOtpConfig(kafka, auth, stream, dispatcher, gateway, providers, apps, database, users, rateLimits,
                smsEncryptionKey, codeEncryptionKey, admin, key);
    }

    /** The key that seals the entries of {@code smsotp.config}, or null when none is configured. */
    public ConfigCipher configCipher() {
        byte[] key = Settings.secret("configEncryptionKey", configEncryptionKey);
        return key == null ? null : new ConfigCipher(key);
    }

    /** The key that seals typed codes on their way to otp-stream, or null when none is configured. */
    public CodeCipher codeCipher() {
        byte[] key = Settings.secret("codeEncryptionKey", codeEncryptionKey);
        return key == null ? null : new CodeCipher(key);
    }

    /** The key that seals SMS texts on their way through Kafka, or null when none is configured. */
    public SmsCipher smsCipher() {
        byte[] key = Settings.secret("smsEncryptionKey", smsEncryptionKey);
        return key == null ? null : new SmsCipher(key);
    }

    @Override
    public String toString() {
        return "SmsOtpConfig[kafka=" + kafka + ", auth=" + auth + ", stream=" + stream + ", dispatcher=" + dispatcher
                + ", gateway=" + gateway + ", providers=" + providers + ", apps=" + apps + ", database=" + database
                + ", users=" + users.size() + ", rateLimits=" + rateLimits + ", smsEncryptionKey="
                + (smsEncryptionKey == null ? "unset" : "***") + ", codeEncryptionKey="
                + (codeEncryptionKey == null ? "unset" : "***") + ", admin=" + admin + ", configEncryptionKey="
                + (configEncryptionKey == null ? "unset" : "***") + "]";
    }
}
