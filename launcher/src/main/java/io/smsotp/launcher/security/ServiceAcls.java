package io.smsotp.launcher.security;

import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each service's principal may do on a secured cluster, and nothing more: the one list the
 * README's ACL table and {@code SecuredKafkaTest} are written from.
 *
 * <p>No service is granted topic creation on the pipeline topics: an operator (or the super user)
 * makes them; a service that may not create them leaves them be. WRITE implies DESCRIBE, and since
 * Kafka 3.x an idempotent producer needs only WRITE on a topic (no cluster IDEMPOTENT_WRITE).
 */
public final class ServiceAcls {

    private ServiceAcls() {
    }

    /**
     * auth-service: writes commands, reads outcomes. Its reply listener assigns every partition of
     * {@code otp.events} itself and commits nothing, so it needs no group.
     *
     * @param principal e.g. {@code User:auth-service}
     */
    public static List<AclBinding> authService(String principal) {
        ResourcePattern writer = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, ConfigWriter.TRANSACTIONAL_ID,
                PatternType.LITERAL);
        return List.of(
                allow(principal, literalTopic(Topics.COMMANDS.name()), AclOperation.WRITE),
                allow(principal, literalTopic(Topics.EVENTS.name()), AclOperation.READ),
                // the live configuration and its audit log: only auth-service writes them, in transactions
                allow(principal, literalTopic(Topics.CONFIG.name()), AclOperation.READ),
                allow(principal, literalTopic(Topics.CONFIG.name()), AclOperation.WRITE),
                allow(principal, literalTopic(Topics.AUDIT.name()), AclOperation.READ),
                allow(principal, literalTopic(Topics.AUDIT.name()), AclOperation.WRITE),
                allow(principal, writer, AclOperation.WRITE),
                allow(principal, writer, AclOperation.DESCRIBE));
    }

    /**
     * otp-stream (Kafka Streams, exactly-once): reads commands (and describes the topic, for its
     * partition count: READ implies DESCRIBE) and delivery reports; writes outcomes, send requests
     * and dead letters; owns every internal topic, its group and its transactional ids, all named
     * by {@code applicationId} ({@code stream.applicationId}).
     */
    public static List<AclBinding> otpStream(String principal, String applicationId) {
        Objects.requireNonNull(applicationId, "applicationId");
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(principal, literalTopic(Topics.COMMANDS.name()), AclOperation.READ));
        acls.add(allow(principal, literalTopic(Topics.SMS_STATUS.name()), AclOperation.READ));
        acls.add(allow(principal, literalTopic(Topics.EVENTS.name()), AclOperation.WRITE));
        acls.add(allow(principal, literalTopic(Topics.SMS_OUTBOUND.name()), AclOperation.WRITE));
        acls.add(allow(principal, literalTopic(Topics.DEAD_LETTER.name()), AclOperation.WRITE));
        // the live send limits
        acls.add(allow(principal, literalTopic(Topics.CONFIG.name()), AclOperation.READ));
        // changelogs and repartition topics are named "<applicationId>-...": Streams makes them and
        // describes them at each start (DESCRIBE comes with READ/WRITE; it never reads their configs)
        ResourcePattern internal = new ResourcePattern(ResourceType.TOPIC, applicationId, PatternType.PREFIXED);
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE)) {
            acls.add(allow(principal, internal, op));
        }
        acls.add(allow(principal, new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL),
                AclOperation.READ));
        // exactly_once_v2: one transactional producer per stream thread, ids "<applicationId>-..."
        ResourcePattern txn = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED);
        acls.add(allow(principal, txn, AclOperation.WRITE));
        acls.add(allow(principal, txn, AclOperation.DESCRIBE));
        return List.copyOf(acls);
    }

    /**
     * sms-dispatcher: reads send requests in its group ({@code dispatcher.groupId}), writes
     * delivery reports and dead letters.
     */
    public static List<AclBinding> smsDispatcher(String principal, String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        return List.of(
                allow(principal, literalTopic(Topics.SMS_OUTBOUND.name()), AclOperation.READ),
                allow(principal, new ResourcePattern(ResourceType.GROUP, groupId, PatternType.LITERAL),
                        AclOperation.READ),
                allow(principal, literalTopic(Topics.SMS_STATUS.name()), AclOperation.WRITE),
                allow(principal, literalTopic(Topics.DEAD_LETTER.name()), AclOperation.WRITE),
                // the live providers
                allow(principal, literalTopic(Topics.CONFIG.name()), AclOperation.READ));
    }

    private static ResourcePattern literalTopic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    private static AclBinding allow(String principal, ResourcePattern resource, AclOperation op) {
        return new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
