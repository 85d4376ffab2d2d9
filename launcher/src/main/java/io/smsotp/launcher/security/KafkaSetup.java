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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;

/**
 * {@code java -jar smsotp.jar kafka-setup --config FILE --secrets-dir DIR [--wait PT3M]}: prepares a
 * secured cluster for the services, as its super user (whose login {@code kafka.properties}
 * gives): waits until the cluster has as many brokers as {@code kafka.replicationFactor}, sets the
 * SCRAM-SHA-512 credentials of the principals {@code auth-service}, {@code otp-stream} and
 * {@code sms-dispatcher} from {@code DIR/kafka-<principal>.password}, grants each only what it
 * needs ({@link ServiceAcls}) and makes the pipeline's topics. Idempotent: run it again after
 * changing a password file to rotate that password.
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
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka-setup: " + (e.getCause() != null ? e.getCause() : e), e);
        }
        TopicAdmin.ensurePipelineTopics(servers, kafka);
        out.println("kafka-setup: pipeline topics present (" + kafka.partitions() + " partitions, "
                + kafka.replicationFactor() + " replicas)");
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
