package io.smsotp.launcher;

import io.smsotp.auth.AuthService;
import io.smsotp.config.AppConfig;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.dispatcher.SmsDispatcher;
import io.smsotp.events.TopicAdmin;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.launcher.gateway.FakeSmsGateway;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.stream.OtpStreamService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole product in one JVM: a real KRaft broker (unless the config names a cluster), the
 * three services, and a fake SMS gateway. The launcher's main, the end-to-end tests and the
 * benchmark all start it the same way.
 */
public final class EmbeddedDefault implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDefault.class);
    static final String DEMO_APP_ID = "demo";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final FakeSmsGateway gateway;
    private EmbeddedKafkaBroker broker;
    private AuthService auth;
    private SmsOtpConfig config;
    private String generatedApiKey;

    private EmbeddedDefault(FakeSmsGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Starts everything and returns once the 2FA API serves.
     *
     * @param smsListener told of each SMS the fake gateway receives
     */
    public static EmbeddedDefault start(SmsOtpConfig given, Path dataDir, Consumer<ReceivedSms> smsListener) {
        Objects.requireNonNull(given, "config");
        Objects.requireNonNull(dataDir, "dataDir");
        FakeSmsGateway gateway = new FakeSmsGateway(given.gateway().host(), given.gateway().port(), smsListener);
        EmbeddedDefault system = new EmbeddedDefault(gateway);
        try {
            system.startAll(given, dataDir.toAbsolutePath());
            return system;
        } catch (RuntimeException | Error e) {
            system.close();
            throw e;
        }
    }

    private void startAll(SmsOtpConfig given, Path dataDir) {
        LauncherSecrets secrets = LauncherSecrets.in(dataDir);
        gateway.start();
        started.add(gateway::stop);

        SmsOtpConfig cfg = given;
        if (cfg.providers().isEmpty()) {
            cfg = cfg.withProviders(List.of(gatewayProvider(gateway)));
        }
        if (cfg.apps().isEmpty()) {
            generatedApiKey = secrets.getOrCreate(LauncherSecrets.DEMO_API_KEY);
            cfg = cfg.withApps(List.of(new AppConfig(DEMO_APP_ID, "Demo", generatedApiKey, null)));
        }
        if (cfg.stream().codeHmacKey() == null) {
            cfg = cfg.withStream(cfg.stream().withCodeHmacKey(secrets.getOrCreate(LauncherSecrets.CODE_HMAC_KEY)));
        }
        if (cfg.stream().stateDir() == null) {
            cfg = cfg.withStream(cfg.stream().withStateDir(dataDir.resolve("streams").toString()));
        }
        if (cfg.kafka().bootstrapServers() == null) {
            broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start();
            started.add(broker);
            cfg = cfg.withKafka(cfg.kafka().withBootstrapServers(broker.bootstrapServers()));
        }
        config = cfg;
        TopicAdmin.ensurePipelineTopics(cfg.kafka().bootstrapServers(), cfg.kafka());

        OtpStreamService stream = new OtpStreamService(cfg);
        stream.start();
        started.add(stream::stop);

        SmsDispatcher dispatcher = new SmsDispatcher(cfg);
        dispatcher.start();
        started.add(dispatcher::stop);

        auth = AuthService.withKafka(cfg);
        auth.start();
        started.add(auth::stop);
        LOG.info("smsotp embedded default started");
    }

    /** The fake gateway as the provider: JSON POST, success on 202 as it answers. */
    static ProviderConfig gatewayProvider(FakeSmsGateway gateway) {
        return new ProviderConfig("fake-gateway", gateway.sendUrl(), "POST",
                Map.of("Content-Type", "application/json"),
                "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\",\"id\":\"$ctx.id\"}", List.of(202));
    }

    /** The configuration in force, with the generated parts filled in. */
    public SmsOtpConfig config() {
        return config;
    }

    public FakeSmsGateway gateway() {
        return gateway;
    }

    /** Base URL of the 2FA API, e.g. {@code http://localhost:8080}. */
    public String authUrl() {
        return "http://localhost:" + auth.port();
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers();
    }

    /** Whether the broker runs in this JVM (no {@code kafka.bootstrapServers} was configured). */
    public boolean embeddedBroker() {
        return broker != null;
    }

    /** The demo app's API key when the launcher made it (no apps configured), else null. */
    public String generatedApiKey() {
        return generatedApiKey;
    }

    /** Stops what started, in reverse order. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping a part failed: {}", e.toString());
            }
        }
        started.clear();
    }
}
