package io.smsotp.testsupport;

import io.smsotp.events.Topic;
import io.smsotp.events.TopicAdmin;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one Kafka broker of a test JVM, shared by all its tests. Chosen once, in this order: the
 * cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}; a Testcontainers Kafka where a Docker engine
 * answers <em>and the image is already on that engine</em> ({@code SMSOTP_TEST_KAFKA_IMAGE} names a
 * locally built one; tests never pull, since an engine without a registry would retry a pull for
 * minutes); otherwise a real KRaft broker started in this JVM. No test skips for lack of Docker.
 */
public final class TestKafka {

    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);
    /** Image used only where a Docker engine runs. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static String bootstrapServers;

    private TestKafka() {
    }

    /** The shared broker's bootstrap servers, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = startBroker();
        }
        return bootstrapServers;
    }

    /** Creates the topics that are missing, each with {@code partitions} partitions. */
    public static void createTopics(Collection<Topic<?, ?>> topics, int partitions) {
        TopicAdmin.ensureTopics(bootstrapServers(), topics.stream().map(Topic::name).toList(), partitions,
                (short) 1, Map.of());
    }

    /** A short random suffix for topic, group or application ids that one test must own. */
    public static String uniqueSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String startBroker() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            LOG.warn("tests use the external Kafka at {}", external);
            return external;
        }
        String image = System.getenv().getOrDefault("SMSOTP_TEST_KAFKA_IMAGE", KAFKA_IMAGE);
        if (dockerAvailable() && imageOnEngine(image)) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(image)
                    .asCompatibleSubstituteFor("apache/kafka"));
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-container-stop"));
            LOG.warn("tests use Testcontainers Kafka at {}", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        return startEmbedded();
    }

    /** Whether the engine holds {@code image} already: only then is a container quick and certain to start. */
    private static boolean imageOnEngine(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("a Docker engine runs but has no image {} (tests do not pull): using the embedded broker", image);
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String startEmbedded() {
        Path dir;
        try {
            dir = Files.createTempDirectory("smsotp-test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            deleteRecursively(dir);
        }, "test-kafka-stop"));
        LOG.warn("tests use an embedded KRaft broker at {}", broker.bootstrapServers());
        return broker.bootstrapServers();
    }

    /** Removes a folder a test made; what cannot be removed is left for the OS to clean. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
