package io.smsotp.auth.account;

import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.admin.AuditTrail;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.ApiPaths;
import io.smsotp.events.Json;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit records of the changes users make to their own accounts: actor {@code user:<name>},
 * target {@code user/<name>}, before and after with the mobile number masked and never a code.
 * Written before the change: a change the audit log cannot take is not made.
 */
final class AccountAudit {

    private static final Logger LOG = LoggerFactory.getLogger(AccountAudit.class);

    /** The audit log, or null when the configuration is the file's (no configEncryptionKey): then the log file only. */
    private final AuditTrail trail;
    private final Clock clock;

    AccountAudit(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Appends the record of {@code action} by {@code username} on their own account.
     *
     * @throws SelfPageException (503) when the audit log cannot be written now; nothing may change then
     */
    void record(String username, String action, Map<String, Object> before, Map<String, Object> after) {
        AuditRecord record = new AuditRecord(UUID.randomUUID().toString(), clock.instant(), "user:" + username,
                action, "user/" + username, Json.MAPPER.valueToTree(before), Json.MAPPER.valueToTree(after));
        LOG.info("audit: {} {} {} -> {}", record.actor(), action, before, after);
        if (trail == null) {
            return;
        }
        try {
            trail.append(record);
        } catch (ConfigWriteException e) {
            throw new SelfPageException(503, "Please try again", "Your account could not be changed just now. "
                    + "Try again in a moment.", ApiPaths.ACCOUNT, "Back to your account");
        }
    }
}
