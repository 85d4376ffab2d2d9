package io.smsotp.dispatcher;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.TopicAdmin;
import io.smsotp.lifecycle.GracefulShutdown;
import java.nio.file.Path;
import java.util.Map;

/** Runs one dispatcher worker: {@code java -jar sms-dispatcher.jar [--config FILE]}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        SmsOtpConfig config;
        try {
            config = configFrom(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("sms-dispatcher: " + e.getMessage());
            System.exit(2);
            return;
        }
        SmsDispatcher dispatcher = new SmsDispatcher(config);
        // SIGTERM: drain, commit, leave the group within dispatcher.shutdownTimeout, then exit 0
        GracefulShutdown.install("sms-dispatcher", config.dispatcher().shutdownTimeout(), dispatcher::stop);
        // idempotent: whichever service starts first makes the pipeline's topics
        TopicAdmin.ensurePipelineTopics(config.kafka().bootstrapServers(), config.kafka());
        dispatcher.start();
    }

    /** The configuration the arguments and environment give, checked for what a dispatcher needs. */
    static SmsOtpConfig configFrom(String[] args, Map<String, String> env) {
        SmsOtpConfig config = ConfigLoader.load(ConfigLoader.configFileArg("sms-dispatcher", args), env);
        String servers = config.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new ConfigException("kafka.bootstrapServers is required: set it in the config file or as KAFKA_BOOTSTRAP_SERVERS");
        }
        if (config.smsCipher() == null) {
            throw new ConfigException("smsEncryptionKey is required (or SMSOTP_SMSENCRYPTIONKEY): the key otp-stream"
                    + " seals SMS texts with, base64, at least 32 bytes");
        }
        return config;
    }
}
