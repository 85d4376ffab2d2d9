package io.smsotp.auth;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.TopicAdmin;
import io.smsotp.lifecycle.CommonPool;
import io.smsotp.lifecycle.GracefulShutdown;
import java.nio.file.Path;

/** Runs auth-service alone: {@code java -jar auth-service.jar [--config FILE]}. */
public final class Main {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private Main() {
    }

    public static void main(String[] args) {
        AuthService service;
        SmsOtpConfig config;
        try {
            config = ConfigLoader.load(configFile(args), System.getenv());
            requireRunnable(config);
            service = AuthService.withKafka(config);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("auth-service: " + e.getMessage());
            System.exit(2);
            return;
        }
        // SIGTERM: not ready, finish the requests in progress, flush and close within auth.shutdownTimeout, exit 0
        GracefulShutdown.install("auth-service", config.auth().shutdownTimeout(), service::stop);
        try {
            // idempotent: whichever service starts first makes the pipeline's topics
            TopicAdmin.ensurePipelineTopics(config.kafka().bootstrapServers(), config.kafka());
            service.start();
        } catch (RuntimeException e) {
            System.err.println("auth-service could not start: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The file named by {@code --config FILE} (or {@code --config=FILE}), or null when none is given. */
    static Path configFile(String[] args) {
        return ConfigLoader.configFileArg("auth-service", args);
    }

    /**
     * What running alone needs beyond what the config records check: a broker, at least one
     * application, and the key that seals typed codes for otp-stream.
     */
    static void requireRunnable(SmsOtpConfig config) {
        String servers = config.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new ConfigException("kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        if (config.apps().isEmpty()) {
            throw new ConfigException("apps: at least one application (id, and apiKey or redirectUris) is required");
        }
        if (config.codeEncryptionKey() == null) {
            throw new ConfigException("codeEncryptionKey is required: a base64 key of at least 32 bytes, in the "
                    + "config file or as SMSOTP_CODEENCRYPTIONKEY; otp-stream needs the same key to open typed codes");
        }
    }
}
