package io.smsotp.launcher.security;

import io.smsotp.config.ConfigLoader;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.TopicAdmin;
import io.smsotp.launcher.Options;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * {@code java -jar smsotp.jar kafka-setup --config FILE --secrets-dir DIR [--wait PT3M]}: prepares a
 * secured cluster for the services, as its super user (whose login {@code kafka.properties}
 * gives): waits until the cluster has as many brokers as {@code kafka.replicationFactor}, sets the
 * SCRAM-SHA-512 credentials of the principals {@code auth-service}, {@code otp-stream} and
 * {@code sms-dispatcher} from {@code DIR/kafka-<principal>.password}, grants each only what it
 * needs ({@link ServiceAcls}), makes the pipeline's topics and gives each partition back to its
 * preferred leader. Idempotent: run it again after changing a password file to rotate that password.
 */
public final class KafkaSetup {

    /** The service principals, each also the name of its password file {@code kafka-<name>.password}. */
    public static final List<String> PRINCIPALS = List.of("auth-service", "otp-stream", "sms-dispatcher");

    private static final int SCRAM_ITERATIONS = 8192;

    private KafkaSetup() {
    }

    public static void run(String[] args) throws InterruptedException {
        Options o = Options.parse("kafka-setup", args, Set.of("config", "secrets-dir", "wait"));
        String file = o.get("config", null);
        SmsOtpConfig config = ConfigLoader.load(file == null ? null : Path.of(file), System.getenv());
        setUp(config, Path.of(o.required("secrets-dir")), Duration.parse(o.get("wait", "PT3M")), System.out);
    }

    /** Does the set-up on the cluster {@code config.kafka()} names, telling {@code out} each step. */
    public static void setUp(SmsOtpConfig config, Path secrets, Duration wait, PrintStream out)
            throws InterruptedException {
        KafkaSettings kafka = config.kafka();
        String servers = kafka.bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("kafka-setup: kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String principal : PRINCIPALS) {
            users.add(new UserScramCredentialUpsertion(principal,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password(secrets, principal)));
        }
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(ServiceAcls.authService("User:auth-service"));
        acls.addAll(ServiceAcls.otpStream("User:otp-stream", config.stream().applicationId()));
        acls.addAll(ServiceAcls.smsDispatcher("User:sms-dispatcher", config.dispatcher().groupId()));

        try (Admin admin = Admin.create(TopicAdmin.adminProperties(servers, kafka))) {
            int brokers = awaitBrokers(admin, kafka.replicationFactor(), wait);
            out.println("kafka-setup: " + brokers + " brokers at " + servers);
            admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
            out.println("kafka-setup: SCRAM-SHA-512 credentials set for " + PRINCIPALS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            out.println("kafka-setup: " + acls.size() + " ACLs granted");
            TopicAdmin.ensurePipelineTopics(servers, kafka);
            out.println("kafka-setup: pipeline topics present (" + kafka.partitions() + " partitions, "
                    + kafka.replicationFactor() + " replicas)");
            electPreferredLeaders(admin, out);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka-setup: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * Gives each partition back to its preferred replica. Brokers that start one after another (a
     * {@code docker-compose up} after {@code down}) leave every leader on the first one up until
     * the brokers' own rebalance, up to 5 minutes later: that broker then does all the work, and
     * its death costs every partition. A partition whose preferred replica has not caught up yet is
     * tried again twice, 5 s apart; what is left then is left to that rebalance, and said.
     */
    static void electPreferredLeaders(Admin admin, PrintStream out) throws InterruptedException {
        Set<TopicPartition> partitions = null; // all of them
        int moved = 0;
        Map<TopicPartition, Throwable> pending = Map.of();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Map<TopicPartition, Optional<Throwable>> results;
            try {
                results = admin.electLeaders(ElectionType.PREFERRED, partitions).partitions().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                out.println("kafka-setup: preferred leaders not elected, left to the brokers' own rebalance: "
                        + (e.getCause() != null ? e.getCause() : e));
                return;
            }
            Map<TopicPartition, Throwable> failed = new TreeMap<>(
                    Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (Map.Entry<TopicPartition, Optional<Throwable>> r : results.entrySet()) {
                if (r.getValue().isEmpty()) {
                    moved++;
                } else if (!(r.getValue().get() instanceof ElectionNotNeededException)) {
                    failed.put(r.getKey(), r.getValue().get());
                }
            }
            pending = failed;
            if (pending.isEmpty() || attempt == 3) {
                break;
            }
            partitions = pending.keySet();
            Thread.sleep(5_000);
        }
        out.println("kafka-setup: " + moved + " partitions moved to their preferred leader"
                + (pending.isEmpty() ? "; every partition is led by its preferred replica"
                : "; " + pending.size() + " left to the brokers' own rebalance, e.g. " + pending.keySet().iterator().next()
                + ": " + pending.values().iterator().next()));
    }

    private static String password(Path dir, String principal) {
        Path file = dir.resolve("kafka-" + principal + ".password");
        try {
            String password = Files.readString(file).strip();
            if (password.length() < 16) {
                throw new IllegalArgumentException("kafka-setup: " + file + " must hold a password of at least 16 characters");
            }
            return password;
        } catch (IOException e) {
            throw new IllegalArgumentException("kafka-setup: cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static int awaitBrokers(Admin admin, int wanted, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                int n = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                if (n >= wanted) {
                    return n;
                }
                last = n + " of " + wanted + " brokers";
            } catch (ExecutionException | TimeoutException e) {
                last = String.valueOf(e.getCause() != null ? e.getCause() : e);
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("kafka-setup: the cluster did not come up within " + wait + ": " + last);
    }
}
