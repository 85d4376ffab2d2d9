package io.smsotp.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft combined mode (broker and controller in one), running
 * in this JVM from Kafka's own server artifacts. Its log lives in {@code dataDir}; a restart on the
 * same folder keeps every topic and committed offset.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final Path dataDir;
    private final int port;
    private final SaslUsers sasl;
    private KafkaRaftServer server;

    /**
     * @param dataDir where the broker keeps its log (made if missing)
     * @param port the client port on 127.0.0.1; 0 picks a free one
     */
    public EmbeddedKafkaBroker(Path dataDir, int port) {
        this(dataDir, port, null);
    }

    /**
     * A secured broker: its client listener takes only SASL logins of {@code sasl}'s users, and
     * the standard KRaft authorizer refuses whatever no ACL allows (the super user excepted). The
     * controller listener takes only the super user (SASL/PLAIN, since SCRAM cannot log in there).
     *
     * @param sasl null for a PLAINTEXT broker open to anyone
     */
    public EmbeddedKafkaBroker(Path dataDir, int port, SaslUsers sasl) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.sasl = sasl;
    }

    /** Formats the storage on first use, then starts the broker and returns once it serves. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            Path logDir = dataDir.resolve("kraft-logs");
            // the client port was picked and let go before this one: the kernel may hand out the same again
            Properties props = brokerProperties(logDir, freePortOtherThan(port));
            Path propsFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by smsotp at each start");
            }
            format(propsFile, clusterId(), scramArguments());
            KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            s.startup();
            server = s;
            LOG.info("Kafka broker (KRaft) serving at {} with data in {}", bootstrapServers(), logDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    /** The users of a secured broker, or null. */
    public SaslUsers sasl() {
        return sasl;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker; a broker that does not stop within 30 s is left to the JVM's exit. */
    @Override
    public synchronized void close() {
        KafkaRaftServer s = server;
        server = null;
        if (s == null) {
            return;
        }
        ExecutorService stopper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kafka-broker-shutdown");
            t.setDaemon(true);
            return t;
        });
        Future<?> done = stopper.submit(() -> {
            s.shutdown();
            s.awaitShutdown();
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Kafka broker did not stop within 30 s");
        } catch (Exception e) {
            LOG.warn("Kafka broker stopped with an error: {}", e.toString());
        } finally {
            stopper.shutdownNow();
        }
    }

    private Properties brokerProperties(Path logDir, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // one node: the internal topics cannot have more replicas than that, or exactly-once Streams never starts
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // a consumer group starts at once instead of waiting 3 s for more members
        p.put("group.initial.rebalance.delay.ms", "0");
        // the default dedupe buffer takes 128 MiB of heap; our compacted topics are small
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "false");
        // fewer threads than the defaults: this broker shares 2 cores with the services
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        if (sasl != null) {
            secure(p, controllerPort);
        }
        return p;
    }

    private void secure(Properties p, int controllerPort) {
        p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", sasl.mechanism());
        p.put("sasl.mechanism.inter.broker.protocol", sasl.mechanism());
        String superPassword = sasl.passwords().get(sasl.superUser());
        String self = " required username=\"" + sasl.superUser() + "\" password=\"" + superPassword + "\"";
        String clientMechanism = sasl.mechanism().toLowerCase(Locale.ROOT);
        if (sasl.scram()) {
            p.put("listener.name.sasl_plaintext." + clientMechanism + ".sasl.jaas.config",
                    sasl.loginModule() + self + ";");
        } else {
            StringBuilder users = new StringBuilder();
            sasl.passwords().forEach((u, pw) -> users.append(" user_").append(u).append("=\"").append(pw).append('"'));
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", sasl.loginModule() + self + users + ";");
        }
        // the controller's credentials are not in the metadata it serves, so SCRAM cannot log in there
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + self + " user_" + sasl.superUser() + "=\"" + superPassword + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + sasl.superUser());
        // deny by default: a principal may do only what an ACL grants it
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    /** The cluster id is made once per data dir and kept, so the formatted log stays valid across restarts. */
    private String clusterId() throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    /** SCRAM credentials live in the metadata log: they are written when the storage is formatted. */
    private List<String> scramArguments() {
        List<String> args = new ArrayList<>();
        if (sasl != null && sasl.scram()) {
            sasl.passwords().forEach((user, password) -> {
                args.add("--add-scram");
                args.add(sasl.mechanism() + "=[name=" + user + ",password=" + password + "]");
            });
        }
        return args;
    }

    private static void format(Path propsFile, String clusterId, List<String> extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // execute, not main: main calls System.exit
        int rc;
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config",
                propsFile.toString(), "--ignore-formatted"));
        args.addAll(extra);
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), ps);
        } catch (Exception e) {
            throw new IllegalStateException("formatting the Kafka storage failed: " + e.getMessage(), e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka storage failed (" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePortOtherThan(int taken) {
        int port;
        do {
            port = freePort();
        } while (port == taken);
        return port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
