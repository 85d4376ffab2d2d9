package io.smsotp.launcher.security;

import io.smsotp.config.ConfigLoader;
import io.smsotp.config.KafkaSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.events.TopicAdmin;
import io.smsotp.launcher.Options;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * {@code java -jar smsotp.jar kafka-roles [--config FILE]}: what each broker of the cluster holds
 * right now, as the cluster's super user (whose login {@code kafka.properties} gives): which node
 * is the active KRaft controller, how many partitions of each topic each broker leads, and which
 * consumer groups and transactional ids each one coordinates. A broker's death costs what it held,
 * so the fault test prints this before it kills one, and kills the controller: with leadership
 * balanced ({@link KafkaSetup} does that), the worst case.
 * Its first line is {@code kafka-roles: controller N}, for scripts.
 */
public final class KafkaRoles {

    private static final long TIMEOUT_SECONDS = 30;

    /** What one broker holds; the maps and lists are sorted. */
    public record BrokerRoles(int id, Map<String, Integer> leaderOf, List<String> groups, List<String> transactions) {

        int partitionsLed() {
            return leaderOf.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The controller's node id and each broker's roles, by broker id. */
    public record Roles(int controller, Map<Integer, BrokerRoles> brokers) {

        public void print(PrintStream out) {
            out.println("kafka-roles: controller " + controller);
            for (BrokerRoles b : brokers.values()) {
                out.println("kafka-roles: broker " + b.id() + (b.id() == controller ? " (the controller)" : "")
                        + ": leader of " + b.partitionsLed() + " partitions ("
                        + b.leaderOf().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")) + ")"
                        + "; coordinator of groups " + b.groups() + " and of transactions " + b.transactions());
            }
        }
    }

    private KafkaRoles() {
    }

    public static void run(String[] args) throws InterruptedException {
        Options o = Options.parse("kafka-roles", args, Set.of("config"));
        String file = o.get("config", null);
        SmsOtpConfig config = ConfigLoader.load(file == null ? null : Path.of(file), System.getenv());
        KafkaSettings kafka = config.kafka();
        String servers = kafka.bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("kafka-roles: kafka.bootstrapServers is required (or KAFKA_BOOTSTRAP_SERVERS)");
        }
        try (Admin admin = Admin.create(TopicAdmin.adminProperties(servers, kafka))) {
            describe(admin).print(System.out);
        }
    }

    /** Asks the cluster {@code admin} talks to; fails with the cluster's answer when it cannot. */
    public static Roles describe(Admin admin) throws InterruptedException {
        try {
            int controller = admin.describeMetadataQuorum().quorumInfo().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).leaderId();
            Map<Integer, Map<String, Integer>> leaders = new TreeMap<>();
            Map<Integer, Set<String>> groups = new TreeMap<>();
            Map<Integer, Set<String>> transactions = new TreeMap<>();
            for (Node node : admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                leaders.put(node.id(), new TreeMap<>());
                groups.put(node.id(), new TreeSet<>());
                transactions.put(node.id(), new TreeSet<>());
            }

            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (TopicDescription topic : described.values()) {
                for (TopicPartitionInfo p : topic.partitions()) {
                    if (p.leader() != null && leaders.containsKey(p.leader().id())) {
                        leaders.get(p.leader().id()).merge(topic.name(), 1, Integer::sum);
                    }
                }
            }

            // consumer groups of either protocol (otp-stream's and the dispatchers'); share and
            // streams groups have describe calls of their own and none of smsotp's are of those kinds
            Collection<GroupListing> listed = admin.listGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> consumerGroups = listed.stream()
                    .filter(g -> isConsumerGroup(g.type()))
                    .map(GroupListing::groupId).toList();
            if (!consumerGroups.isEmpty()) {
                for (ConsumerGroupDescription g : admin.describeConsumerGroups(consumerGroups).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                    add(groups, g.coordinator(), g.groupId());
                }
            }

            List<String> ids = admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).toList();
            if (!ids.isEmpty()) {
                for (Map.Entry<String, TransactionDescription> t : admin.describeTransactions(ids).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet()) {
                    Set<String> held = transactions.get(t.getValue().coordinatorId());
                    if (held != null) {
                        held.add(t.getKey());
                    }
                }
            }

            Map<Integer, BrokerRoles> brokers = new TreeMap<>();
            for (int id : leaders.keySet()) {
                brokers.put(id, new BrokerRoles(id, Collections.unmodifiableMap(leaders.get(id)),
                        List.copyOf(groups.get(id)), List.copyOf(transactions.get(id))));
            }
            return new Roles(controller, brokers);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka-roles: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private static boolean isConsumerGroup(Optional<GroupType> type) {
        return type.isEmpty() || type.get() == GroupType.CLASSIC || type.get() == GroupType.CONSUMER;
    }

    private static void add(Map<Integer, Set<String>> byBroker, Node node, String name) {
        if (node != null && byBroker.containsKey(node.id())) {
            byBroker.get(node.id()).add(name);
        }
    }
}
