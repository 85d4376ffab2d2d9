package io.smsotp.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.dispatcher.consumer.KafkaClients;
import io.smsotp.events.Topic;
import io.smsotp.events.TopicAdmin;
import io.smsotp.events.Topics;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.kafka.SaslUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka-setup} on a real secured broker that at first knows only its super user: it gives
 * each service principal the login from its password file and only its own grants, makes the
 * topics, and a second run with a changed password file rotates that password.
 */
class KafkaSetupTest {

    private static final String ADMIN = "admin";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static SaslUsers admin;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBrokerWithOnlyItsSuperUser() {
        admin = new SaslUsers("SCRAM-SHA-512", ADMIN, Map.of(ADMIN, password()));
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, admin).start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void givesEachServiceItsLoginAndOnlyItsGrantsMakesTheTopicsAndRotatesPasswords() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String principal : KafkaSetup.PRINCIPALS) {
            Files.writeString(secrets.resolve("kafka-" + principal + ".password"), password() + "\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        KafkaSetup.setUp(asAdmin(), secrets, WAIT, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SCRAM-SHA-512 credentials set", "ACLs granted",
                "pipeline topics present",
                // one broker: each partition's only replica is its preferred one and leads already
                "0 partitions moved to their preferred leader; every partition is led by its preferred replica");
        try (Admin a = Admin.create(TopicAdmin.adminProperties(broker.bootstrapServers(), asAdmin().kafka()))) {
            assertThat(a.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Topics.ALL.stream().map(Topic::name).toList());
        }
        // auth-service writes commands with the password from its file; the dispatcher may not
        String authPassword = Files.readString(secrets.resolve("kafka-auth-service.password")).strip();
        await().atMost(WAIT).untilAsserted(() -> writeCommand("auth-service", authPassword));
        String dispatcherPassword = Files.readString(secrets.resolve("kafka-sms-dispatcher.password")).strip();
        assertThatThrownBy(() -> writeCommand("sms-dispatcher", dispatcherPassword))
                .hasCauseInstanceOf(TopicAuthorizationException.class);

        // a new password file and a second run: the old password is refused, the new one works
        String rotated = password();
        Files.writeString(secrets.resolve("kafka-auth-service.password"), rotated);
        KafkaSetup.setUp(asAdmin(), secrets, WAIT, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        await().atMost(WAIT).untilAsserted(() -> writeCommand("auth-service", rotated));
        assertThatThrownBy(() -> listTopics("auth-service", authPassword))
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void refusesAPasswordFileThatIsMissingOrTooShortBeforeTouchingTheCluster() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("short"));
        for (String principal : KafkaSetup.PRINCIPALS) {
            Files.writeString(secrets.resolve("kafka-" + principal + ".password"), "short");
        }
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> KafkaSetup.setUp(asAdmin(), secrets, WAIT, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> KafkaSetup.setUp(asAdmin(), dir.resolve("absent"), WAIT, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka-auth-service.password");
    }

    private static SmsOtpConfig asAdmin() {
        return SmsOtpConfig.defaults().withKafka(KafkaSettings.defaults()
                .withBootstrapServers(broker.bootstrapServers()).withProperties(admin.clientProperties(ADMIN)));
    }

    private static Map<String, String> login(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    private static void writeCommand(String user, String password) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(),
                "setup-test-" + user, login(user, password))) {
            producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), bytes("k"), bytes("{}")))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void listTopics(String user, String password) throws Exception {
        Properties props = TopicAdmin.adminProperties(broker.bootstrapServers(),
                KafkaSettings.defaults().withProperties(login(user, password)));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin a = Admin.create(props)) {
            a.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String password() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).replace('_', '.');
    }
}
