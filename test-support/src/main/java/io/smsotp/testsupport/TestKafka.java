package io.smsotp.testsupport;

import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.Topic;
import io.smsotp.events.Topics;
import io.smsotp.events.TopicAdmin;
import io.smsotp.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    private static final Map<String, Integer> PARTITIONS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /**
     * An id for a challenge to {@code to} on the shared broker's {@code otp.commands}, placed on its
     * number's partition as auth-service places it (otp-stream refuses a create that is not).
     */
    public static String challengeIdFor(String to) {
        return challengeIdFor(to, Topics.COMMANDS.name());
    }

    /** The same, for a commands topic of a test's own. */
    public static String challengeIdFor(String to, String commandsTopic) {
        int partitions = PARTITIONS.computeIfAbsent(commandsTopic, TestKafka::partitionsOf);
        return ChallengePlacement.newId(RANDOM, to, partitions);
    }

    private static int partitionsOf(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the partitions of " + topic, e);
        }
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
        if (imageOnLocalEngine(image) && dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(image)
                    .asCompatibleSubstituteFor("apache/kafka"));
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-container-stop"));
            LOG.warn("tests use Testcontainers Kafka at {}", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        return startEmbedded();
    }

    /**
     * Whether a Docker engine answers on its local socket and holds {@code image} already: only
     * then is a container quick and certain to start. Asked of the engine's API directly, because
     * Testcontainers' own client pulls images of its own (its reaper, its checks) as it starts,
     * which an engine without a registry retries for minutes.
     */
    static boolean imageOnLocalEngine(String image) {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        if (!host.startsWith("unix://") || !Files.exists(Path.of(host.substring("unix://".length())))) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(host.substring("unix://".length())));
            String request = "GET /images/" + image + "/json HTTP/1.0\r\nHost: docker\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            while (answer.hasRemaining() && channel.read(answer) > 0) {
                // the status line is all that is needed
            }
            String status = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            if (status.startsWith("HTTP/1.0 200") || status.startsWith("HTTP/1.1 200")) {
                return true;
            }
            LOG.warn("a Docker engine runs but has no image {} (tests do not pull): using the embedded broker", image);
            return false;
        } catch (IOException | RuntimeException e) {
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
