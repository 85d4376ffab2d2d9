package io.smsotp.launcher;

import io.smsotp.auth.AuthService;
import io.smsotp.metrics.ManagementServer;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.ConfigException;
import io.smsotp.config.UserConfig;
import io.smsotp.launcher.demo.PickupDispatchApp;
import java.net.URI;
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
 * three services, and a fake SMS gateway when no provider is configured (or when asked for). The
 * launcher's main, the end-to-end tests and the benchmark all start it the same way.
 */
public final class EmbeddedDefault implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDefault.class);
    static final String DEMO_APP_ID = "demo";
    /** Where the launcher serves Pickup Dispatch, the demo OIDC application. */
    public static final int DEMO_APP_PORT = 8070;
    static final String DEMO_CLIENT_ID = "pickup-dispatch";
    static final String DEMO_USERNAME = "demo";
    static final String ADMIN_USERNAME = "admin";
    static final String ADMIN_MOBILE = "+15555550101";
    /** A number from the range set aside for fiction: the fake gateway is the only one it reaches. */
    static final String DEMO_MOBILE = "+15555550100";

    /** The demo user the launcher made, with what a newcomer needs to log in as it. */
    public record DemoUser(String username, String password, String mobile, String backupCodes) {
        @Override
        public String toString() {
            return "DemoUser[username=" + username + ", mobile=" + mobile + "]";
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final FakeSmsGateway gateway;
    private EmbeddedKafkaBroker broker;
    private AuthService auth;
    private SmsDispatcher dispatcher;
    private PickupDispatchApp demoApp;
    private SmsOtpConfig config;
    private String generatedApiKey;
    private String generatedAdminKey;
    private DemoUser demoUser;
    private DemoUser adminUser;

    private EmbeddedDefault(FakeSmsGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Starts everything and returns once the 2FA API serves.
     *
     * @param smsListener told of each SMS the fake gateway receives
     */
    public static EmbeddedDefault start(SmsOtpConfig given, Path dataDir, Consumer<ReceivedSms> smsListener) {
        return start(given, dataDir, smsListener, -1);
    }

    /**
     * Starts everything and returns once the 2FA API serves. When {@code given} configures no
     * applications, the launcher makes its own: the 2FA API app {@value #DEMO_APP_ID} and, when
     * {@code demoAppPort} is 0 or more (0: any free port), the Pickup Dispatch OIDC client served on
     * that port, with a demo user unless {@code given} lists users.
     *
     * @param smsListener told of each SMS the fake gateway receives
     */
    public static EmbeddedDefault start(SmsOtpConfig given, Path dataDir, Consumer<ReceivedSms> smsListener,
                                        int demoAppPort) {
        return start(given, dataDir, smsListener, demoAppPort, false);
    }

    /**
     * As {@link #start(SmsOtpConfig, Path, Consumer, int)}. The fake gateway starts, and becomes the
     * provider, only when {@code given} configures no provider; with providers it starts only when
     * {@code fakeGateway} asks for it, and then serves its inbox beside them without being one
     * (a configured provider may name its URL): a real SMS never falls over to a fake one.
     */
    public static EmbeddedDefault start(SmsOtpConfig given, Path dataDir, Consumer<ReceivedSms> smsListener,
                                        int demoAppPort, boolean fakeGateway) {
        return start(given, dataDir, smsListener, demoAppPort, fakeGateway, false);
    }

    /**
     * As {@link #start(SmsOtpConfig, Path, Consumer, int, boolean)}; otp-stream's and
     * sms-dispatcher's health and metrics ports ({@code stream.managementPort},
     * {@code dispatcher.managementPort}) open only when {@code managementPorts} asks for them.
     */
    public static EmbeddedDefault start(SmsOtpConfig given, Path dataDir, Consumer<ReceivedSms> smsListener,
                                        int demoAppPort, boolean fakeGateway, boolean managementPorts) {
        Objects.requireNonNull(given, "config");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(smsListener, "smsListener");
        if (given.kafka().bootstrapServers() == null && !given.kafka().properties().isEmpty()) {
            // TLS or SASL settings meant for a cluster would only fail against the plain in-process broker
            throw new ConfigException("kafka.properties is set but kafka.bootstrapServers is not: the client "
                    + "properties are for the cluster it names; the embedded broker takes plain connections");
        }
        // with real providers, an open port that shows codes to any local process is only a risk
        FakeSmsGateway gateway = given.providers().isEmpty() || fakeGateway
                ? new FakeSmsGateway(given.gateway().host(), given.gateway().port(), smsListener)
                        .failingFor(given.gateway().failNumbers())
                : null;
        EmbeddedDefault system = new EmbeddedDefault(gateway);
        try {
            system.startAll(given, dataDir.toAbsolutePath(), demoAppPort, managementPorts);
            return system;
        } catch (RuntimeException | Error e) {
            system.close();
            throw e;
        }
    }

    private void startAll(SmsOtpConfig given, Path dataDir, int demoAppPort, boolean managementPorts) {
        LauncherSecrets secrets = LauncherSecrets.in(dataDir);
        if (gateway != null) {
            gateway.start();
            started.add(gateway::stop);
        }

        SmsOtpConfig cfg = given;
        // what the launcher adds itself names ports of this run: kept current in the live configuration
        List<ProviderConfig> madeProviders = List.of();
        List<AppConfig> madeApps = List.of();
        if (cfg.providers().isEmpty()) {
            cfg = cfg.withProviders(List.of(gatewayProvider(gateway)));
            madeProviders = cfg.providers();
        }
        int demoPort = -1;
        String demoSecret = null;
        if (cfg.apps().isEmpty()) {
            generatedApiKey = secrets.getOrCreate(LauncherSecrets.DEMO_API_KEY);
            List<AppConfig> apps = new ArrayList<>();
            apps.add(new AppConfig(DEMO_APP_ID, "Demo", generatedApiKey, null));
            if (demoAppPort >= 0) {
                demoPort = demoAppPort == 0 ? freePort() : demoAppPort;
                demoSecret = secrets.getOrCreate(LauncherSecrets.DEMO_CLIENT_SECRET);
                apps.add(new AppConfig(DEMO_CLIENT_ID, "Pickup Dispatch", null, null,
                        List.of(PickupDispatchApp.redirectUriFor(demoPort).toString()), demoSecret, null, null, null,
                        null, null, null));
                if (cfg.users().isEmpty()) {
                    demoUser = new DemoUser(DEMO_USERNAME,
                            secrets.getOrCreate(LauncherSecrets.DEMO_USER_PASSWORD, LauncherSecrets::readablePassword),
                            DEMO_MOBILE, secrets.getOrCreate(LauncherSecrets.DEMO_USER_BACKUP_CODES,
                                    () -> LauncherSecrets.backupCodes(3)));
                    adminUser = new DemoUser(ADMIN_USERNAME,
                            secrets.getOrCreate(LauncherSecrets.ADMIN_USER_PASSWORD, LauncherSecrets::readablePassword),
                            ADMIN_MOBILE, null);
                    cfg = cfg.withUsers(List.of(new UserConfig(demoUser.username(), demoUser.password(), null,
                                    new UserConfig.Claims(demoUser.mobile(), null, demoUser.backupCodes())),
                            // the console's first admin: roles [admin] open /admin
                            new UserConfig(adminUser.username(), adminUser.password(), null,
                                    new UserConfig.Claims(adminUser.mobile(), null, null, List.of("admin")))));
                }
            }
            cfg = cfg.withApps(apps);
            madeApps = apps;
        }
        if (AuthSettings.DEFAULT_DATA_DIR.equals(cfg.auth().dataDir())) {
            // everything the launcher keeps lives under --data-dir
            cfg = cfg.withAuth(cfg.auth().withDataDir(dataDir.resolve("auth").toString()));
        }
        if (cfg.stream().codeHmacKey() == null) {
            cfg = cfg.withStream(cfg.stream().withCodeHmacKey(secrets.getOrCreate(LauncherSecrets.CODE_HMAC_KEY)));
        }
        if (cfg.smsEncryptionKey() == null) {
            cfg = cfg.withSmsEncryptionKey(secrets.getOrCreate(LauncherSecrets.SMS_ENCRYPTION_KEY));
        }
        if (cfg.codeEncryptionKey() == null) {
            cfg = cfg.withCodeEncryptionKey(secrets.getOrCreate(LauncherSecrets.CODE_ENCRYPTION_KEY));
        }
        if (cfg.configEncryptionKey() == null) {
            cfg = cfg.withConfigEncryptionKey(secrets.getOrCreate(LauncherSecrets.CONFIG_ENCRYPTION_KEY));
        }
        if (cfg.admin().apiKeys().isEmpty()) {
            // automation's way into the admin API on a laptop; a deployment names its own keys
            generatedAdminKey = secrets.getOrCreate(LauncherSecrets.ADMIN_API_KEY);
            cfg = cfg.withAdmin(new AdminSettings(List.of(generatedAdminKey)));
        }
        if (cfg.stream().stateDir() == null) {
            cfg = cfg.withStream(cfg.stream().withStateDir(dataDir.resolve("streams").toString()));
        }
        if (cfg.kafka().bootstrapServers() == null) {
            broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start();
            started.add(broker);
            cfg = cfg.withKafka(cfg.kafka().withBootstrapServers(broker.bootstrapServers()));
        }
        if (!managementPorts) {
            // one JVM: auth-service's port answers health and metrics; the others' own ports stay closed
            cfg = cfg.withStream(cfg.stream().withManagementPort(ManagementServer.OFF))
                    .withDispatcher(cfg.dispatcher().withManagementPort(ManagementServer.OFF));
        }
        config = cfg;
        TopicAdmin.ensurePipelineTopics(cfg.kafka().bootstrapServers(), cfg.kafka());

        OtpStreamService stream = new OtpStreamService(cfg);
        stream.start();
        started.add(stream::stop);

        dispatcher = new SmsDispatcher(cfg);
        dispatcher.start();
        started.add(dispatcher::stop);

        auth = AuthService.withKafka(cfg);
        auth.start();
        started.add(auth::stop);
        LauncherEntries.keepCurrent(auth, madeProviders, madeApps);

        if (demoPort >= 0) {
            demoApp = new PickupDispatchApp(URI.create(auth.issuer()), DEMO_CLIENT_ID, demoSecret, cfg.auth().host(),
                    demoPort).start();
            started.add(demoApp::stop);
        }
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

    /** The fake SMS gateway, or null when it did not start (providers configured, not asked for). */
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

    /** Base URL of Pickup Dispatch, the demo OIDC application, or null when the launcher did not start it. */
    public String demoAppUrl() {
        return demoApp == null ? null : demoApp.baseUri().toString();
    }

    /** The demo user the launcher made (no apps and no users configured, demo app on), else null. */
    public DemoUser demoUser() {
        return demoUser;
    }

    /** The console's admin the launcher made (role admin), or null when the config names users. */
    public DemoUser adminUser() {
        return adminUser;
    }

    /** The OIDC issuer, e.g. {@code http://localhost:8080}. */
    public String issuer() {
        return auth.issuer();
    }

    /** The running auth-service, for tests. */
    /** The sms-dispatcher worker. */
    public SmsDispatcher dispatcher() {
        return dispatcher;
    }

    public AuthService auth() {
        return auth;
    }

    /**
     * A port free now, for a server bound only after the broker and the services have started.
     * Taken below Linux's ephemeral range (32768-60999), which a port from {@code new
     * ServerSocket(0)} is in: there, any outgoing connection (the broker's, the Kafka clients') may
     * take it in the meantime, and once in CI the demo app found its port in use.
     */
    private static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(random.nextInt(20_000, 32_000))) {
                return socket.getLocalPort();
            } catch (java.io.IOException taken) {
                // try another
            }
        }
        throw new java.io.UncheckedIOException(new java.io.IOException("no free port in 20000-31999 after 100 tries"));
    }

    /** The demo app's API key when the launcher made it (no apps configured), else null. */
    /** The admin API key the launcher made for this data dir, or null when the config names admin keys. */
    public String generatedAdminKey() {
        return generatedAdminKey;
    }

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
