package io.smsotp.stream;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.TopicAdmin;
import io.smsotp.lifecycle.CommonPool;
import io.smsotp.lifecycle.GracefulShutdown;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** Runs otp-stream alone: {@code java -jar otp-stream.jar [--config FILE]}. */
public final class Main {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        OtpStreamService service;
        SmsOtpConfig config;
        try {
            config = requireRunnable(ConfigLoader.load(configPath(args), System.getenv()));
            service = new OtpStreamService(config);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("otp-stream: " + e.getMessage());
            System.exit(2);
            return;
        }
        // SIGTERM: commit, leave the group and close within stream.shutdownTimeout, then exit 0
        GracefulShutdown.install("otp-stream", config.stream().shutdownTimeout(), service::stop);
        // idempotent: whichever service starts first makes the pipeline's topics
        TopicAdmin.ensurePipelineTopics(config.kafka().bootstrapServers(), config.kafka());
        service.start();
        if (service.awaitTermination() == KafkaStreams.State.ERROR) {
            System.err.println("otp-stream: Kafka Streams failed; see the log above");
            System.exit(1);
        }
    }

    /** The file after {@code --config}, or null for defaults plus environment. */
    static Path configPath(String[] args) {
        return ConfigLoader.configFileArg("otp-stream", args);
    }

    /** The settings this service cannot run without, which the shared config leaves optional. */
    static SmsOtpConfig requireRunnable(SmsOtpConfig config) {
        String servers = config.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new ConfigException("kafka.bootstrapServers is required: set it in the config file or as "
                    + "KAFKA_BOOTSTRAP_SERVERS");
        }
        if (config.stream().codeHmacKey() == null) {
            throw new ConfigException("stream.codeHmacKey is required: a base64 key of at least 32 bytes, in the "
                    + "config file or as SMSOTP_STREAM_CODEHMACKEY; keep it stable, or pending codes stop verifying");
        }
        if (config.smsEncryptionKey() == null) {
            throw new ConfigException("smsEncryptionKey is required: a base64 key of at least 32 bytes, in the "
                    + "config file or as SMSOTP_SMSENCRYPTIONKEY; sms-dispatcher needs the same key to open the texts");
        }
        if (config.codeEncryptionKey() == null) {
            throw new ConfigException("codeEncryptionKey is required: a base64 key of at least 32 bytes, in the "
                    + "config file or as SMSOTP_CODEENCRYPTIONKEY; auth-service seals typed codes with the same key");
        }
        StreamsProperties.requireCommitWithinTransactionTimeout(config.stream(), config.kafka());
        return config;
    }
}
