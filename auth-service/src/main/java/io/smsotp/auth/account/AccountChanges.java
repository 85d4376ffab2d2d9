package io.smsotp.auth.account;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.admin.AuditTrail;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.admin.UserAdmin;
import io.smsotp.auth.http.IfMatch;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.UserChangeException;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.auth.users.UserProfiles;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes users make to their own profile, through the store's operator side
 * ({@link UserProfiles}): each under the user's row lock, checked against the profile just read,
 * and audited inside the same transaction (actor {@code user:<name>}, target {@code user/<name>},
 * the number masked, never a code), so a change the audit log cannot take is not made.
 */
final class AccountChanges {

    private static final Logger LOG = LoggerFactory.getLogger(AccountChanges.class);
    /** A profile read and then changed by something else (a login using a backup code) is read again this often. */
    private static final int ATTEMPTS = 3;

    private final UserProfiles profiles;
    /** The audit log, or null when the configuration is the file's (no configEncryptionKey): then the log file only. */
    private final AuditTrail trail;
    private final Clock clock;

    AccountChanges(UserProfiles profiles, AuditTrail trail, Clock clock) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.trail = trail;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The user's profile as {@code edit} makes it from the one stored now; the change made. */
    UserProfiles.Change edit(String username, String action, Function<UserProfile, ProfileEdit> edit) {
        for (int attempt = 1; ; attempt++) {
            UserProfile now = profiles.find(username, clock.instant()).orElseThrow(AccountChanges::gone);
            try {
                return profiles.replace(username, IfMatch.of(now.version()), edit.apply(now), clock.instant(),
                        audited(username, action));
            } catch (UserChangeException e) {
                if (e.reason() != UserChangeException.Reason.STALE || attempt == ATTEMPTS) {
                    throw asPage(e);
                }
            }
        }
    }

    /** Ten new backup codes in place of the user's old ones. */
    UserProfiles.IssuedCodes newBackupCodes(String username) {
        try {
            return profiles.newBackupCodes(username, null, clock.instant(), audited(username, "user.backupCodes"));
        } catch (UserChangeException e) {
            throw asPage(e);
        }
    }

    private Consumer<UserProfiles.Change> audited(String username, String action) {
        return change -> {
            AuditRecord record = UserAdmin.record("user:" + username, action, change, clock.instant());
            LOG.info("audit: {} {} {}", record.actor(), action, record.target());
            if (trail == null) {
                return;
            }
            try {
                trail.append(record);
            } catch (ConfigWriteException e) {
                // thrown inside the store's transaction: the change is rolled back with it
                throw new SelfPageException(503, "Please try again", "Your account could not be changed just now. "
                        + "Try again in a moment.", ApiPaths.ACCOUNT, "Back to your account");
            }
        };
    }

    private static SelfPageException asPage(UserChangeException e) {
        return e.reason() == UserChangeException.Reason.NOT_FOUND ? gone()
                : new SelfPageException(409, "Please try again", "Your account was being changed at the same time. "
                        + "Try again.", ApiPaths.ACCOUNT, "Back to your account");
    }

    private static SelfPageException gone() {
        return new SelfPageException(404, "No such account", "This account no longer exists.", null, null);
    }
}
