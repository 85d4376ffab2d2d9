package io.smsotp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"auth-service\" password=\"s3cr3t-pw\";";

    @Test
    void readsDottedClientPropertiesFromTheYamlFile() {
        SmsOtpConfig config = ConfigLoader.parse("""
                kafka:
                  bootstrapServers: broker:9093
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    ssl.truststore.location: /etc/smsotp/truststore.p12
                    linger.ms: 5
                """, Map.of());

        assertThat(config.kafka().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/smsotp/truststore.p12", "linger.ms", "5"));
    }

    @Test
    void readsTheReadmesSaslSslExampleAsWritten() {
        SmsOtpConfig config = ConfigLoader.parse("""
                kafka:
                  bootstrapServers: kafka-1.example.com:9093,kafka-2.example.com:9093
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="sms-dispatcher" password="pw-1";
                    ssl.truststore.location: /etc/smsotp/kafka-truststore.p12
                    ssl.truststore.type: PKCS12
                    ssl.truststore.password: "pw-2"
                """, Map.of());

        assertThat(config.kafka().properties())
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"sms-dispatcher\" password=\"pw-1\";")
                .containsEntry("ssl.truststore.password", "pw-2").hasSize(6);
    }

    @Test
    void readsTheDocumentedEnvironmentFormAsYamlMapWithDottedKeys() {
        SmsOtpConfig config = ConfigLoader.parse("kafka: {properties: {client.dns.lookup: use_all_dns_ips}}", Map.of(
                "SMSOTP_KAFKA_PROPERTIES", "{security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512, "
                        + "sasl.jaas.config: '" + JAAS.replace("'", "''") + "'}"));

        // the variable replaces the file's map as a whole, like any other value it sets
        assertThat(config.kafka().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS));
    }

    @Test
    void refusesKeysTheServiceOwnsNamingTheKey() {
        for (String key : new String[] {"bootstrap.servers", "group.id", "transactional.id", "isolation.level",
            "key.serializer", "value.deserializer", "processing.guarantee", "application.id", "enable.auto.commit",
            "producer.transactional.id", "main.consumer.isolation.level", "client.id"}) {
            assertThatThrownBy(() -> ConfigLoader.parse("kafka: {properties: {" + key + ": x}}", Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("kafka.properties." + key)
                    .hasMessageContaining("set by the service");
        }
        assertThatThrownBy(() -> ConfigLoader.parse("kafka: {properties: {enable.idempotence: false}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.properties.enable.idempotence=false");
        assertThatThrownBy(() -> ConfigLoader.parse("kafka: {properties: {acks: 1}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.properties.acks=1");
        assertThat(ConfigLoader.parse("kafka: {properties: {enable.idempotence: true, acks: all}}", Map.of())
                .kafka().properties()).containsEntry("acks", "all");
    }

    @Test
    void neverShowsSecretValuesInToStringOrErrors() {
        SmsOtpConfig config = ConfigLoader.parse("", Map.of("SMSOTP_KAFKA_PROPERTIES",
                "{sasl.jaas.config: '" + JAAS.replace("'", "''") + "', ssl.truststore.password: tr-pw-1, "
                        + "ssl.key.password: key-pw-2, sasl.oauthbearer.client.secret: oauth-sec-3, "
                        + "sasl.oauthbearer.token.endpoint.url: https://idp/token, security.protocol: SASL_SSL}"));

        assertThat(config.kafka().toString()).doesNotContain("s3cr3t-pw", "tr-pw-1", "key-pw-2", "oauth-sec-3")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=***", "ssl.truststore.password=***");
        assertThat(config.toString()).doesNotContain("s3cr3t-pw", "tr-pw-1", "key-pw-2", "oauth-sec-3");
        assertThatThrownBy(() -> ConfigLoader.parse("kafka: {properties: {ssl.key.password: hunter2, "
                + "transactional.id: hunter3}}", Map.of()))
                .isInstanceOf(ConfigException.class).message().doesNotContain("hunter2", "hunter3");
        assertThatThrownBy(() -> ConfigLoader.parse("kafka: {properties: {sasl.jaas.config: }}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.properties.sasl.jaas.config");
    }

    @Test
    void mergesOverTheServiceDefaultsOfEveryClient() {
        Properties props = new Properties();
        props.put("bootstrap.servers", "b:9092");
        props.put("linger.ms", "1");
        KafkaSettings kafka = KafkaSettings.defaults().withProperties(Map.of("security.protocol", "SSL",
                "linger.ms", "20"));

        KafkaClientProperties.applyTo(props, kafka);

        assertThat(props).containsEntry("bootstrap.servers", "b:9092").containsEntry("security.protocol", "SSL")
                .containsEntry("linger.ms", "20");
        assertThat(kafka.withBootstrapServers("c:9092").properties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void givesEveryClientShortConnectionSetupTimeoutsUnlessSetOtherwise() {
        Properties props = KafkaClientProperties.applyTo(new Properties(), KafkaSettings.defaults());
        // Kafka's own defaults are 10 s and 30 s: a client waited that long on a broker that had died
        assertThat(props).containsEntry("socket.connection.setup.timeout.ms", "1000")
                .containsEntry("socket.connection.setup.timeout.max.ms", "4000");

        Properties serviceSet = new Properties();
        serviceSet.put("socket.connection.setup.timeout.ms", "500");
        KafkaClientProperties.applyTo(serviceSet, Map.of());
        assertThat(serviceSet).containsEntry("socket.connection.setup.timeout.ms", "500")
                .containsEntry("socket.connection.setup.timeout.max.ms", "4000");

        Properties configured = KafkaClientProperties.applyTo(new Properties(), KafkaSettings.defaults()
                .withProperties(Map.of("socket.connection.setup.timeout.ms", "10000",
                        "socket.connection.setup.timeout.max.ms", "30000")));
        assertThat(configured).containsEntry("socket.connection.setup.timeout.ms", "10000")
                .containsEntry("socket.connection.setup.timeout.max.ms", "30000");
    }
}
