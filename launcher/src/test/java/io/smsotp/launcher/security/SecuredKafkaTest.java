package io.smsotp.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.smsotp.auth.reply.OtpGateway;
import io.smsotp.config.ConfigException;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.dispatcher.SmsDispatcher;
import io.smsotp.dispatcher.consumer.KafkaClients;
import io.smsotp.events.Delivery;
import io.smsotp.events.JsonSerde;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.OtpPolicy;
import io.smsotp.events.Topic;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.kafka.SaslUsers;
import io.smsotp.launcher.EmbeddedDefault;
import io.smsotp.stream.OtpStreamService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real broker that asks every client for a SASL login (SCRAM-SHA-512) and lets
 * each principal do only what {@link ServiceAcls} grants it. Every service gets its credentials the
 * way an operator gives them: {@code kafka.properties}.
 */
class SecuredKafkaTest {

    private static final String ADMIN = "admin";
    private static final String AUTH = "auth-service";
    private static final String STREAM = "otp-stream";
    private static final String DISPATCHER = "sms-dispatcher";
    private static final String APPLICATION_ID = "smsotp-otp-stream-secured";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static SaslUsers users;
    private static EmbeddedKafkaBroker broker;

    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void startSecuredBrokerWithTheServicesAcls() throws Exception {
        users = new SaslUsers("SCRAM-SHA-512", ADMIN, Map.of(ADMIN, password(), AUTH, password(), STREAM, password(),
                DISPATCHER, password()));
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, users).start();
        // the operator's part: the pipeline's topics, then each service's grants
        TopicAdmin.ensurePipelineTopics(broker.bootstrapServers(), kafkaAs(ADMIN));
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(ServiceAcls.authService("User:" + AUTH));
        acls.addAll(ServiceAcls.otpStream("User:" + STREAM, APPLICATION_ID));
        acls.addAll(ServiceAcls.smsDispatcher("User:" + DISPATCHER, SmsOtpConfig.defaults().dispatcher().groupId()));
        try (Admin admin = Admin.create(TopicAdmin.adminProperties(broker.bootstrapServers(), kafkaAs(ADMIN)))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // the broker's authorizer learns them from the metadata log, a moment after the controller
            await().atMost(WAIT).until(() -> admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(30, TimeUnit.SECONDS).size() == acls.size());
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stopServices() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void eachServiceDoesItsJobWithOnlyItsOwnPrincipalsGrants() throws Exception {
        SmsOtpConfig base = SmsOtpConfig.defaults().withSmsEncryptionKey(key()).withCodeEncryptionKey(key());
        SmsOtpConfig streamConfig = base.withKafka(kafkaAs(STREAM)).withStream(
                new StreamSettings(APPLICATION_ID, key(), null, null, dir.resolve("state").toString(), null));
        // as each service's Main does at start: a principal that may not create topics leaves them to the operator
        for (String user : List.of(AUTH, STREAM, DISPATCHER)) {
            TopicAdmin.ensurePipelineTopics(broker.bootstrapServers(), kafkaAs(user));
        }
        OtpStreamService stream = new OtpStreamService(streamConfig);
        stream.start();
        running.add(stream::stop);
        // no provider: every request is reported failed, which is the dispatcher's report on sms.status
        SmsDispatcher dispatcher = new SmsDispatcher(base.withKafka(kafkaAs(DISPATCHER)));
        dispatcher.start();
        running.add(dispatcher::stop);
        OtpGateway gateway = OtpGateway.fromConfig(base.withKafka(kafkaAs(AUTH)));
        gateway.start();
        running.add(gateway::stop);
        String id = gateway.newChallengeId("+15555550123");

        // auth-service writes the command and reads the outcome otp-stream wrote
        OtpEvent created = gateway.create(id, "demo", "Demo", "+15555550123", OtpPolicy.DEFAULT, null)
                .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(created).isInstanceOf(OtpEvent.ChallengeCreated.class);

        // the dispatcher read the send request in its group and reported on sms.status, which otp-stream read
        await().atMost(WAIT).untilAsserted(() -> {
            OtpEvent state = gateway.status(id, "demo").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(state).isInstanceOfSatisfying(OtpEvent.ChallengeState.class,
                    s -> assertThat(s.challenge().delivery()).isEqualTo(Delivery.FAILED));
        });

        // a restart finds its internal and send-limit topics made and goes on with the same grants
        stream.stop();
        OtpStreamService restarted = new OtpStreamService(streamConfig);
        restarted.start();
        running.add(restarted::stop);
        OtpEvent after = gateway.status(id, "demo").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(after).isInstanceOfSatisfying(OtpEvent.ChallengeState.class,
                s -> assertThat(s.challenge().delivery()).isEqualTo(Delivery.FAILED));
    }

    @Test
    void dispatcherPrincipalCannotWriteCommands() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(),
                "acl-test-dispatcher", kafkaAs(DISPATCHER).properties())) {
            // what it was granted works
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), bytes("k"), bytes("acl test")))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), bytes("k"),
                    bytes("{}"))).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.COMMANDS.name());
        }
    }

    @Test
    void authServicePrincipalCannotReadSendRequests() {
        // the gateway's own reply listener, pointed at sms.outbound instead of otp.events
        Topic<String, OtpEvent> outbound = new Topic<>(Topics.SMS_OUTBOUND.name(), Serdes.String(),
                JsonSerde.serdeFor(OtpEvent.class));
        OtpGateway gateway = new OtpGateway(kafkaAs(AUTH), Duration.ofSeconds(5), 10,
                SmsOtpConfig.defaults().withCodeEncryptionKey(key()).codeCipher(), Topics.COMMANDS, outbound);

        assertThatThrownBy(gateway::start).isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(Topics.SMS_OUTBOUND.name());
    }

    @Test
    void refusesAWrongPasswordAnUnknownUserAndAClientWithoutCredentials() {
        assertThatThrownBy(() -> listTopics(users.clientProperties(AUTH, "not-the-password")))
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        assertThatThrownBy(() -> listTopics(users.clientProperties("mallory", password())))
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        // PLAINTEXT to the SASL listener: the broker answers nothing but the SASL handshake
        assertThatThrownBy(() -> listTopics(Map.of()))
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void launcherRefusesClientPropertiesWithoutTheClusterTheyAreFor() {
        SmsOtpConfig config = SmsOtpConfig.defaults().withKafka(KafkaSettings.defaults()
                .withProperties(users.clientProperties(AUTH)));

        assertThatThrownBy(() -> EmbeddedDefault.start(config, dir.resolve("launcher"), sms -> { }))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers")
                .hasMessageNotContaining(users.passwords().get(AUTH));
    }

    private static void listTopics(Map<String, String> clientProperties) throws Exception {
        Properties props = TopicAdmin.adminProperties(broker.bootstrapServers(),
                KafkaSettings.defaults().withProperties(clientProperties));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(props)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    /** The settings an operator would give the service: the brokers plus its login in kafka.properties. */
    private static KafkaSettings kafkaAs(String user) {
        return KafkaSettings.defaults().withBootstrapServers(broker.bootstrapServers())
                .withProperties(users.clientProperties(user));
    }

    private static String password() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).replace('_', '.');
    }

    private static String key() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
