package io.smsotp.auth.admin;

import io.smsotp.auth.http.IfMatch;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.UserChangeException;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.auth.users.UserProfiles;
import io.smsotp.config.ConfigException;
import io.smsotp.config.UserConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What an admin may do to users, for the admin API and the console alike: every change is checked
 * against the caller's version (when given) and audited on {@code smsotp.audit} before it is
 * committed, with the number masked and never a password or a code.
 */
public final class UserAdmin {

    /** The longest search text taken. */
    public static final int MAX_QUERY = 128;

    private final UserProfiles profiles;
    private final AuditTrail audit;
    private final Clock clock;

    public UserAdmin(UserProfiles profiles, AuditTrail audit, Clock clock) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A page of users whose username or number contains {@code query}; bad paging names its field. */
    public UserProfiles.Page list(String query, int offset, int limit) {
        if (query != null && query.length() > MAX_QUERY) {
            throw new ConfigException("q must be at most " + MAX_QUERY + " characters");
        }
        if (offset < 0) {
            throw new ConfigException("offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > UserProfiles.MAX_LIMIT) {
            throw new ConfigException("limit must be 1.." + UserProfiles.MAX_LIMIT + ", was " + limit);
        }
        return profiles.list(query, offset, limit, clock.instant());
    }

    /** The user named {@code username} in any case. */
    public UserProfile get(String username) {
        return profiles.find(username, clock.instant()).orElseThrow(() -> new UserChangeException(
                UserChangeException.Reason.NOT_FOUND, "no user named '" + username + "'"));
    }

    /** Makes a user with a password and a profile; a bad username or password names its field. */
    public UserProfile create(String actor, String username, String password, ProfileEdit profile) {
        if (!UserConfig.isUsername(username)) {
            // not echoed: what lands in the username field is now and then a password
            throw new ConfigException("username " + UserConfig.USERNAME_RULE);
        }
        if (password == null || password.isEmpty()) {
            throw new ConfigException("password is required: a non-empty string");
        }
        return profiles.create(username, password, profile, clock.instant(), audited(actor, "user.create")).after();
    }

    /** Replaces the profile (mobile, disable_sms_otp, roles). */
    public UserProfile replace(String actor, String username, IfMatch ifMatch, ProfileEdit profile) {
        return profiles.replace(username, ifMatch, profile, clock.instant(), audited(actor, "user.update")).after();
    }

    /** Ten new backup codes in place of the old ones: returned here, once, and stored only as MACs. */
    public UserProfiles.IssuedCodes newBackupCodes(String actor, String username, IfMatch ifMatch) {
        return profiles.newBackupCodes(username, ifMatch, clock.instant(), audited(actor, "user.backupCodes"));
    }

    /** Lifts the login's lock and its failure counts. */
    public UserProfile unlock(String actor, String username, IfMatch ifMatch) {
        return profiles.unlock(username, ifMatch, clock.instant(), audited(actor, "user.unlock")).after();
    }

    /** Deletes the user with their codes, roles, lock and OIDC grants. */
    public void delete(String actor, String username, IfMatch ifMatch) {
        profiles.delete(username, ifMatch, clock.instant(), audited(actor, "user.delete"));
    }

    /** Appends the change's record; runs inside the store's transaction, so a failure undoes the change. */
    private Consumer<UserProfiles.Change> audited(String actor, String action) {
        Objects.requireNonNull(actor, "actor");
        return change -> audit.append(record(actor, action, change, clock.instant()));
    }

    /**
     * The audit record of a change to a user by {@code actor} (an admin, or the user on the account
     * page): the user before and after, the number masked, never a password or a code.
     */
    public static AuditRecord record(String actor, String action, UserProfiles.Change change, Instant at) {
        UserProfile any = change.after() != null ? change.after() : change.before();
        return new AuditRecord(UUID.randomUUID().toString(), at, actor, action, "user/" + any.username(),
                UserJson.audited(change.before()), UserJson.audited(change.after()));
    }
}
