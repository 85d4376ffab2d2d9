package io.smsotp.config.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration that can change while smsotp runs (providers in failover order, applications,
 * send limits) at one moment: immutable, swapped whole when a change arrives.
 *
 * <p>Until the topic holds its seed, the file is the truth ({@link #fromFile}); from then on, the
 * topic ({@link #fromEntries}), whatever the file says.
 *
 * @param entries every entry by key ({@code provider/twilio}); empty while the file is the truth
 * @param fromTopic whether this came from the topic (seeded) or from the file
 */
public record LiveConfig(List<ProviderConfig> providers, Map<String, AppConfig> apps, RateLimitSettings rateLimits,
                         Map<String, ConfigEntry> entries, boolean fromTopic) {

    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);
    /** The one id of the rate-limits entry. */
    public static final String GLOBAL = "global";

    public LiveConfig {
        providers = List.copyOf(providers);
        apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        Objects.requireNonNull(rateLimits, "rateLimits");
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** What the file says, for the time before the topic is seeded (and for services run without Kafka). */
    public static LiveConfig fromFile(SmsOtpConfig config) {
        Map<String, AppConfig> apps = new LinkedHashMap<>();
        config.apps().forEach(a -> apps.put(a.id(), a));
        return new LiveConfig(config.providers(), apps, config.rateLimits(), Map.of(), false);
    }

    /**
     * What the topic's entries say. An entry that does not bind (written by a newer version, say)
     * is left out with an error in the log: one bad entry must not stop every service.
     */
    public static LiveConfig fromEntries(Map<String, ConfigEntry> entries) {
        List<ConfigEntry> providerEntries = new ArrayList<>();
        Map<String, AppConfig> apps = new LinkedHashMap<>();
        RateLimitSettings limits = RateLimitSettings.defaults();
        for (ConfigEntry e : entries.values()) {
            switch (e.kind()) {
                case PROVIDER -> providerEntries.add(e);
                case APP -> bind(e, AppConfig.class).ifPresent(a -> apps.put(a.id(), a));
                case RATE_LIMITS -> limits = bind(e, RateLimitSettings.class).orElse(limits);
                case SEED -> { }
            }
        }
        providerEntries.sort(Comparator.comparingInt(ConfigEntry::position).thenComparing(ConfigEntry::id));
        List<ProviderConfig> providers = new ArrayList<>();
        for (ConfigEntry e : providerEntries) {
            bind(e, ProviderConfig.class).ifPresent(providers::add);
        }
        return new LiveConfig(providers, apps, limits, entries, true);
    }

    /** The application {@code id}, if there is one. */
    public Optional<AppConfig> app(String id) {
        return Optional.ofNullable(apps.get(id));
    }

    /** The provider {@code name}, if there is one. */
    public Optional<ProviderConfig> provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The entry of {@code kind} and {@code id}, if the topic holds one. */
    public Optional<ConfigEntry> entry(ConfigKind kind, String id) {
        return Optional.ofNullable(entries.get(kind.key(id)));
    }

    private static <T> Optional<T> bind(ConfigEntry e, Class<T> type) {
        try {
            JsonNode body = e.body();
            return Optional.of(ConfigLoader.bindPart(body, type));
        } catch (RuntimeException ex) {
            LOG.error("config entry {} (version {}) does not bind and is left out: {}", e.key(), e.version(),
                    ex.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "LiveConfig[providers=" + providers.stream().map(ProviderConfig::name).toList() + ", apps="
                + apps.keySet() + ", rateLimits=" + rateLimits + ", fromTopic=" + fromTopic + "]";
    }
}
