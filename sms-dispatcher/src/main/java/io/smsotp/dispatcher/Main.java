package io.smsotp.dispatcher;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.events.TopicAdmin;
import io.smsotp.lifecycle.CommonPool;
import io.smsotp.lifecycle.GracefulShutdown;
import java.util.Map;

/** Runs one dispatcher worker: {@code java -jar sms-dispatcher.jar [--config FILE]}. */
public final class Main {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private Main() {
    }

    public static void main(String[] args) {
        DispatcherConfig config;
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

    /** The dispatcher's part of the configuration the arguments and environment give, checked where it is built. */
    static DispatcherConfig configFrom(String[] args, Map<String, String> env) {
        return DispatcherConfig.of(ConfigLoader.load(ConfigLoader.configFileArg("sms-dispatcher", args), env));
    }
}
