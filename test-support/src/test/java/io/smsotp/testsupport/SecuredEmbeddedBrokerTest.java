package io.smsotp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smsotp.config.KafkaSettings;
import io.smsotp.events.TopicAdmin;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import io.smsotp.kafka.SaslUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's SASL/PLAIN option: users from its JAAS config, deny by default, the super user excepted. */
class SecuredEmbeddedBrokerTest {

    @Test
    void plainBrokerLetsTheSuperUserInAndGivesOthersOnlyWhatAclsGrant(@TempDir Path dir) throws Exception {
        SaslUsers users = new SaslUsers("PLAIN", "admin", Map.of("admin", "admin-pw", "alice", "alice-pw"));
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0, users).start()) {
            try (Admin admin = admin(broker, users.clientProperties("admin"))) {
                admin.createTopics(List.of(new NewTopic("plain.topic", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("plain.topic");
            }
            try (Admin alice = admin(broker, users.clientProperties("alice"))) {
                // logged in, but no ACL: she sees nothing and may create nothing
                assertThat(alice.listTopics().names().get(30, TimeUnit.SECONDS)).isEmpty();
                assertThatThrownBy(() -> alice.createTopics(List.of(new NewTopic("alice.topic", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (Admin wrong = admin(broker, users.clientProperties("alice", "admin-pw"))) {
                assertThatThrownBy(() -> wrong.listTopics().names().get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker, Map<String, String> login) {
        Properties props = TopicAdmin.adminProperties(broker.bootstrapServers(),
                KafkaSettings.defaults().withProperties(login));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }
}
