package io.smsotp.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.smsotp.logging.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the YAML configuration file, then lets environment variables override any value.
 *
 * <p>An environment variable {@code SMSOTP_A_B_0_C} sets {@code a.b[0].c}; names match keys
 * without regard to case ({@code SMSOTP_APPS_0_APIKEY} sets {@code apps[0].apiKey}). A value that
 * starts with {@code [} or <code>{</code> is read as YAML (a list or a map); any other value is
 * text. {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrapServers}. A name ending in
 * {@code _FILE} reads the value from the file it names ({@code SMSOTP_CODEENCRYPTIONKEY_FILE}), so
 * secrets can come from mounted files; below {@code kafka.properties} the rest of a name is one
 * dotted Kafka key ({@code SMSOTP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG_FILE}).
 *
 * <p>{@code SMSOTP_LOG_FORMAT} is no key of the file: the logging configuration reads it when the
 * process starts, before any file is read ({@link LogFormat}). It is checked here all the same, so
 * that a misspelt value stops the start rather than leave the logs in the other format.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "SMSOTP_";

    /** {@code SMSOTP_X_FILE=/path} sets {@code x} to the content of that file. */
    public static final String FILE_SUFFIX = "_FILE";

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .addModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            // environment variables cannot spell camelCase
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ConfigLoader() {
    }

    /**
     * The configuration file a service's command line names: {@code --config FILE} or
     * {@code --config=FILE}, or null for none (defaults plus environment). The one parser of every
     * service's main.
     *
     * @throws ConfigException for anything else, with the usage of {@code service}
     */
    public static Path configFileArg(String service, String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config") && i + 1 < args.length && !args[i + 1].isBlank()) {
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=") && arg.length() > "--config=".length()) {
                file = Path.of(arg.substring("--config=".length()));
            } else {
                throw new ConfigException("unknown argument '" + arg + "'; usage: " + service + " [--config FILE]");
            }
        }
        return file;
    }

    /** Reads {@code file} (may be null: all defaults) and applies {@code env} on top. */
    public static SmsOtpConfig load(Path file, Map<String, String> env) {
        JsonNode tree = file == null ? JsonNodeFactory.instance.objectNode() : readFile(file);
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException(file + ": the top level must be a map of settings");
        }
        applyEnvironment((ObjectNode) tree, env);
        return bind(tree);
    }

    /** Reads a YAML text (tests and the launcher's built-in defaults). */
    public static SmsOtpConfig parse(String yaml, Map<String, String> env) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            ObjectNode root = tree != null && tree.isObject() ? (ObjectNode) tree : JsonNodeFactory.instance.objectNode();
            applyEnvironment(root, env);
            return bind(root);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config is not valid YAML: " + e.getOriginalMessage());
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config " + file + ": no such file");
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // some errors (nesting too deep, too many aliases) come without a location
            throw new ConfigException(file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void applyEnvironment(ObjectNode root, Map<String, String> env) {
        // sorted, so that APPS_0 is made before APPS_1 whatever order the platform gives
        Map<String, String> sorted = new TreeMap<>(env);
        String servers = sorted.get("KAFKA_BOOTSTRAP_SERVERS");
        if (servers != null && !servers.isBlank()) {
            objectAt(root, "kafka").put("bootstrapServers", servers);
        }
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String name = e.getKey();
            if (name.equals(LogFormat.ENV)) {
                checkLogFormat(e.getValue());
                continue;
            }
            if (!name.startsWith(ENV_PREFIX) || name.length() <= ENV_PREFIX.length()) {
                continue;
            }
            String rest = name.substring(ENV_PREFIX.length());
            JsonNode value;
            if (rest.endsWith(FILE_SUFFIX) && rest.length() > FILE_SUFFIX.length()) {
                rest = rest.substring(0, rest.length() - FILE_SUFFIX.length());
                if (sorted.containsKey(ENV_PREFIX + rest)) {
                    throw new ConfigException("set " + ENV_PREFIX + rest + " or " + name + ", not both");
                }
                value = TextNode.valueOf(readSecretFile(name, e.getValue()));
            } else {
                value = valueOf(name, e.getValue());
            }
            set(root, pathOf(rest), value);
        }
    }

    /**
     * The config path an environment variable names. Below {@code kafka.properties}, whose keys
     * are Kafka's dotted names, the rest of the name is one key: {@code
     * SMSOTP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG} sets {@code kafka.properties."sasl.jaas.config"}.
     */
    static String[] pathOf(String rest) {
        String[] path = rest.split("_");
        if (path.length > 2 && path[0].equalsIgnoreCase("kafka") && path[1].equalsIgnoreCase("properties")) {
            String key = String.join(".", java.util.Arrays.copyOfRange(path, 2, path.length)).toLowerCase(Locale.ROOT);
            return new String[] {"kafka", "properties", key};
        }
        return path;
    }

    /**
     * A secret kept in a file (a Docker or Kubernetes secret): its content, without the line
     * break that editors and {@code echo} leave at its end.
     */
    private static String readSecretFile(String name, String file) {
        try {
            String content = Files.readString(Path.of(file.trim()));
            return content.replaceAll("[\\r\\n]+$", "");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigException(name + ": cannot read " + file.trim() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void checkLogFormat(String value) {
        try {
            LogFormat.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LogFormat.ENV + " " + e.getMessage());
        }
    }

    private static JsonNode valueOf(String name, String value) {
        String v = value.trim();
        if (v.startsWith("[") || v.startsWith("{")) {
            try {
                return YAML.readTree(v);
            } catch (JsonProcessingException ex) {
                throw new ConfigException(name + " is not a valid YAML list or map: " + ex.getOriginalMessage());
            }
        }
        return TextNode.valueOf(value);
    }

    private static void set(ObjectNode root, String[] path, JsonNode value) {
        JsonNode node = root;
        for (int i = 0; i < path.length; i++) {
            String segment = path[i];
            boolean last = i == path.length - 1;
            if (node instanceof ArrayNode array) {
                int index = parseIndex(segment, path);
                while (array.size() <= index) {
                    array.addObject();
                }
                if (last) {
                    array.set(index, value);
                    return;
                }
                node = ensureContainer(array, index, path[i + 1]);
            } else if (node instanceof ObjectNode object) {
                String key = fieldNamed(object, segment);
                if (last) {
                    object.set(key, value);
                    return;
                }
                JsonNode child = object.get(key);
                if (child == null || !child.isContainerNode()) {
                    child = isIndex(path[i + 1]) ? object.putArray(key) : object.putObject(key);
                }
                node = child;
            } else {
                throw new ConfigException(ENV_PREFIX + String.join("_", path) + " names a key inside a plain value");
            }
        }
    }

    private static JsonNode ensureContainer(ArrayNode array, int index, String next) {
        JsonNode child = array.get(index);
        if (child == null || !child.isContainerNode()) {
            child = isIndex(next) ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
            array.set(index, child);
        }
        return child;
    }

    private static boolean isIndex(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static int parseIndex(String segment, String[] path) {
        if (!isIndex(segment) || segment.length() > 4) {
            throw new ConfigException(ENV_PREFIX + String.join("_", path) + ": '" + segment + "' must be a list index");
        }
        return Integer.parseInt(segment);
    }

    /** The existing key that matches {@code segment} without regard to case, else the segment in lower case. */
    private static String fieldNamed(ObjectNode object, String segment) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase(segment)) {
                return name;
            }
        }
        return segment.toLowerCase(Locale.ROOT);
    }

    private static ObjectNode objectAt(ObjectNode root, String key) {
        JsonNode child = root.get(key);
        return child instanceof ObjectNode o ? o : root.putObject(key);
    }

    private static SmsOtpConfig bind(JsonNode tree) {
        return bind(tree, SmsOtpConfig.class);
    }

    /**
     * One part of the configuration ({@code providers[]}, {@code apps[]}, {@code rateLimits}) read
     * from a JSON tree under the same rules and names as the file: what the admin API and the live
     * configuration take.
     *
     * @throws ConfigException naming the bad field
     */
    public static <T> T bindPart(JsonNode tree, Class<T> type) {
        return bind(tree, type);
    }

    /** A part of the configuration as a JSON tree with the file's field names (nulls left out). */
    public static JsonNode treeOf(Object part) {
        return YAML.valueToTree(part);
    }

    private static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            if ("trustForwardedFor".equals(e.getPropertyName())) {
                // believed the first X-Forwarded-For entry, which the client writes: gone, not ignored
                throw new ConfigException(pathOf(e, true) + ": 'trustForwardedFor' is no longer supported: list the "
                        + "addresses or CIDR blocks of your reverse proxies in auth.trustedProxies instead");
            }
            if ("log".equals(e.getPropertyName()) && e.getPath().size() == 1) {
                throw new ConfigException("config: 'log' is not a key of the file: the log format is chosen when the "
                        + "process starts, with " + LogFormat.ENV + "=json or -D" + LogFormat.PROPERTY + "=json");
            }
            throw new ConfigException(pathOf(e, true) + ": unknown key '" + e.getPropertyName() + "'");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException(pathOf(e, false) + ": " + cause.getMessage());
        } catch (JsonMappingException e) {
            throw new ConfigException(pathOf(e, false) + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config: " + e.getOriginalMessage());
        }
    }

    /** {@code apps[0].otp} from Jackson's reference chain. */
    private static String pathOf(JsonMappingException e, boolean dropLast) {
        StringBuilder sb = new StringBuilder();
        var refs = e.getPath();
        int n = dropLast && !refs.isEmpty() ? refs.size() - 1 : refs.size();
        for (int i = 0; i < n; i++) {
            JsonMappingException.Reference r = refs.get(i);
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "config" : sb.toString();
    }
}
