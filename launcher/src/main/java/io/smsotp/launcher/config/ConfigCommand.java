package io.smsotp.launcher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.live.ConfigEntry;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.live.ConfigKind;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.launcher.Options;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar smsotp.jar config export|import}: the live configuration (providers, apps,
 * send limits in {@code smsotp.config}) to a YAML file and back, for backups, reviews and moving a
 * deployment. The file has the config file's shape; apps' API keys are in it only as hashes,
 * provider tokens and client secrets in clear (the file is written owner-only).
 */
public final class ConfigCommand {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory()).build();
    private static final Set<String> PARTS = Set.of("providers", "apps", "rateLimits");

    private ConfigCommand() {
    }

    public static void run(String[] args) throws InterruptedException {
        if (args.length == 0 || !(args[0].equals("export") || args[0].equals("import"))) {
            throw new IllegalArgumentException("config: say export or import (config export --config FILE [--out FILE];"
                    + " config import --config FILE --from FILE [--mode merge|replace])");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        Options o = Options.parse("config " + args[0], rest, Set.of("config", "out", "from", "mode"));
        String file = o.get("config", null);
        SmsOtpConfig config = ConfigLoader.load(file == null ? null : Path.of(file), System.getenv());
        if (config.configCipher() == null) {
            throw new IllegalArgumentException("config: configEncryptionKey is required (the live configuration is"
                    + " sealed with it)");
        }
        if (config.kafka().bootstrapServers() == null) {
            throw new IllegalArgumentException("config: kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        try (ConfigFollower follower = new ConfigFollower(config, "smsotp-config-command")) {
            follower.start();
            if (!follower.awaitCaughtUp(Duration.ofSeconds(30))) {
                throw new IllegalStateException("config: " + config.kafka().configTopic() + " was not read within 30 s");
            }
            if (args[0].equals("export")) {
                String out = o.get("out", null);
                export(follower, out == null ? null : Path.of(out), System.out, System.err);
            } else {
                String mode = o.get("mode", "merge");
                if (!mode.equals("merge") && !mode.equals("replace")) {
                    throw new IllegalArgumentException("config import: --mode must be merge or replace, was " + mode);
                }
                int n = importFile(config, follower, Path.of(o.required("from")), mode.equals("replace"));
                System.out.println("config import: " + n + " changes written to " + config.kafka().configTopic());
            }
        }
    }

    /** Writes the live configuration as YAML to {@code file} (owner-only), or to {@code stdout} when null. */
    public static void export(ConfigFollower follower, Path file, PrintStream stdout, PrintStream stderr) {
        LiveConfig live = follower.get();
        if (!follower.seeded()) {
            stderr.println("config export: the topic is not seeded yet; this is the configuration file's part");
        }
        ObjectNode root = YAML.createObjectNode();
        ArrayNode providers = root.putArray("providers");
        live.providers().forEach(p -> providers.add(p.toTree()));
        ArrayNode apps = root.putArray("apps");
        live.apps().values().forEach(a -> apps.add(ConfigLoader.treeOf(a)));
        root.set("rateLimits", ConfigLoader.treeOf(live.rateLimits()));
        try {
            String yaml = YAML.writeValueAsString(root);
            if (file == null) {
                stderr.println("config export: the output holds provider tokens and client secrets: keep it private");
                stdout.print(yaml);
                return;
            }
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, yaml);
            stderr.println("config export: wrote " + file + " (owner-only: it holds provider tokens and client secrets)");
        } catch (IOException e) {
            throw new UncheckedIOException("config export: cannot write " + file, e);
        }
    }

    /**
     * Makes the live configuration what {@code from} says, in one transaction: its providers (in
     * its order), apps and limits created or replaced; with {@code replace}, entries it does not
     * name deleted.
     *
     * @return the number of changes
     */
    public static int importFile(SmsOtpConfig config, ConfigFollower follower, Path from, boolean replace) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(from));
        } catch (IOException e) {
            throw new ConfigException("config import: cannot read " + from + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config import: " + from + " is not a YAML map");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!PARTS.contains(key)) {
                throw new ConfigException("config import: '" + key + "' is not a live part (providers, apps, rateLimits)");
            }
        }
        LiveConfig live = follower.get();
        List<ConfigWriter.Change> changes = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        int position = 0;
        for (JsonNode p : root.path("providers")) {
            ProviderConfig provider = ConfigLoader.bindPart(p, ProviderConfig.class);
            String key = ConfigKind.PROVIDER.key(provider.name());
            if (!named.add(key)) {
                throw new ConfigException("config import: provider '" + provider.name() + "' is named twice");
            }
            changes.add(change(live, ConfigKind.PROVIDER, provider.name(), provider.toTree(), position++));
        }
        for (JsonNode a : root.path("apps")) {
            AppConfig app = ConfigLoader.bindPart(a, AppConfig.class);
            String key = ConfigKind.APP.key(app.id());
            if (!named.add(key)) {
                throw new ConfigException("config import: app '" + app.id() + "' is named twice");
            }
            AppConfig hashed = app.apiKey() == null ? app : app.withApiKey("sha256:" + app.apiKeySha256(),
                    app.retiredApiKeys());
            changes.add(change(live, ConfigKind.APP, app.id(), ConfigLoader.treeOf(hashed), null));
        }
        if (root.has("rateLimits")) {
            RateLimitSettings limits = ConfigLoader.bindPart(root.get("rateLimits"), RateLimitSettings.class);
            named.add(ConfigKind.RATE_LIMITS.key(LiveConfig.GLOBAL));
            changes.add(change(live, ConfigKind.RATE_LIMITS, LiveConfig.GLOBAL, ConfigLoader.treeOf(limits), null));
        }
        if (replace) {
            for (ConfigEntry e : live.entries().values()) {
                if ((e.kind() == ConfigKind.PROVIDER || e.kind() == ConfigKind.APP) && !named.contains(e.key())) {
                    changes.add(new ConfigWriter.Change(e.kind(), e.id(), null, null, e.version(),
                            e.kind().prefix() + ".import"));
                }
            }
        }
        new ConfigWriter(config, follower, Clock.systemUTC()).write("import", changes);
        return changes.size();
    }

    private static ConfigWriter.Change change(LiveConfig live, ConfigKind kind, String id, JsonNode body,
                                              Integer position) {
        long expect = live.entry(kind, id).map(ConfigEntry::version).orElse(ConfigWriter.ABSENT);
        return new ConfigWriter.Change(kind, id, body, position, expect, kind.prefix() + ".import");
    }
}
