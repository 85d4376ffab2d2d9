package io.smsotp.auth.users;

import java.time.Instant;

/**
 * One change to a user that the system or the user made (not the operator's config file): who,
 * when, what, to whom; secrets are never in it, numbers are masked.
 */
public record AuditEntry(Instant at, String actor, String action, String subject, String detail) {
}
