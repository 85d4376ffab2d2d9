package io.smsotp.config;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Kafka client properties of {@code kafka.properties}: checked once at configuration, then
 * merged into every client a service makes ({@link #applyTo}), so that TLS and SASL (SCRAM, PLAIN,
 * OAUTHBEARER) work against any cluster without code for each.
 *
 * <p>Keys that decide how the pipeline works stay the service's: they are refused, by name.
 * Values of keys that look secret are never shown, in errors or in {@code toString}.
 */
public final class KafkaClientProperties {

    /** Owned by the services whatever the prefix: connection, serialisation, groups, transactions, commits. */
    static final Set<String> OWNED = Set.of(
            "bootstrap.servers", "client.id",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            "group.id", "group.instance.id", "transactional.id", "isolation.level", "enable.auto.commit",
            "application.id", "processing.guarantee", "default.key.serde", "default.value.serde");

    /** The prefixes by which Kafka Streams passes a setting to one kind of its clients. */
    private static final String[] CLIENT_PREFIXES = {"main.consumer.", "restore.consumer.", "global.consumer.",
        "consumer.", "producer.", "admin."};

    private static final String MASK = "***";

    /**
     * How long a client waits for a TCP connection to a broker before it gives up on that attempt:
     * 1 s, doubling on each failure in a row to at most 4 s (Kafka's defaults are 10 and 30 s).
     * When a broker's address stops answering (its container killed, its host gone), a new
     * connection attempt to it hangs until this timeout. With the defaults every client that still
     * wanted that broker (for a coordinator or a leader it held) sat 9-22 s in one attempt:
     * otp-stream's transactions outlived their 10 s timeout and its threads were fenced, and
     * auth-service's replies waited past their own timeout. Inside a cluster a
     * connection is made in well under a millisecond; authentication comes after and is not counted.
     */
    static final Map<String, String> CLIENT_DEFAULTS = Map.of(
            "socket.connection.setup.timeout.ms", "1000",
            "socket.connection.setup.timeout.max.ms", "4000");

    private KafkaClientProperties() {
    }

    /**
     * Checks {@code properties} and returns them as an unmodifiable sorted map (empty for null).
     *
     * @param name the configuration key, for messages
     * @throws ConfigException naming the first key the service owns, or one without a value
     */
    public static Map<String, String> validate(String name, Map<String, String> properties) {
        if (properties == null || properties.isEmpty()) {
            return Map.of();
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isBlank()) {
                throw new ConfigException(name + ": a property name is empty");
            }
            key = key.trim();
            if (e.getValue() == null) {
                throw new ConfigException(name + "." + key + " has no value");
            }
            String base = withoutClientPrefix(key);
            if (OWNED.contains(base)) {
                throw new ConfigException(name + "." + key + " is set by the service itself and cannot be "
                        + "configured (it decides how the pipeline reads, writes or names its clients)");
            }
            String value = e.getValue().trim();
            if (base.equals("enable.idempotence") && !value.equalsIgnoreCase("true")) {
                throw new ConfigException(name + "." + key + "=" + value + " is refused: retries would duplicate "
                        + "or reorder the records of one challenge");
            }
            if (base.equals("acks") && !value.equals("all") && !value.equals("-1")) {
                throw new ConfigException(name + "." + key + "=" + value + " is refused: a record is written "
                        + "only once all in-sync replicas have it (acks=all)");
            }
            sorted.put(key, e.getValue());
        }
        return Collections.unmodifiableMap(sorted);
    }

    /** Whether the value of {@code key} must never be shown: JAAS configs, passwords, secrets, tokens, keys. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("sasl.jaas.config") || k.contains("password") || k.contains("secret")
                || k.contains("token") || k.endsWith("ssl.keystore.key") || k.endsWith("credentials");
    }

    /** {@code {key=value, secret.key=***}}: safe to log. */
    public static String redacted(Map<String, String> properties) {
        if (properties == null) {
            return "{}";
        }
        return properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? MASK : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /**
     * Puts the configured client properties into a client's {@code Properties}, over the service's
     * defaults (those it does not own, such as {@code linger.ms}, may be tuned this way) and over
     * {@link #CLIENT_DEFAULTS}, which every client gets unless the service or the configuration sets them.
     *
     * @return {@code props}
     */
    public static Properties applyTo(Properties props, KafkaSettings kafka) {
        Objects.requireNonNull(props, "props");
        return applyTo(props, kafka == null ? Map.of() : kafka.properties());
    }

    /** As {@link #applyTo(Properties, KafkaSettings)}, for properties already checked by {@link #validate}. */
    public static Properties applyTo(Properties props, Map<String, String> clientProperties) {
        Objects.requireNonNull(props, "props");
        CLIENT_DEFAULTS.forEach(props::putIfAbsent);
        props.putAll(validate("kafka.properties", clientProperties));
        return props;
    }

    private static String withoutClientPrefix(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String prefix : CLIENT_PREFIXES) {
            if (k.startsWith(prefix)) {
                return k.substring(prefix.length());
            }
        }
        return k;
    }
}
