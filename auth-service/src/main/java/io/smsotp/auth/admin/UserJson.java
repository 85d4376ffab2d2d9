package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.config.ConfigException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Users as the admin API writes and reads them, with the config file's field names:
 * {@code {"username", "claims": {"mobile", "disable_sms_otp", "roles"}, "backupCodesLeft", "locked",
 * "lockedUntil"}}. A bad field is a {@link ConfigException} whose message starts with its path.
 * Unknown fields are refused, not ignored: in a replace, a misspelt claim would silently clear the
 * real one.
 */
final class UserJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> CLAIMS = Set.of("mobile", "disable_sms_otp", "roles");
    private static final Set<String> CREATE_FIELDS = Set.of("username", "password", "claims");
    /** What a replace takes: the claims, and what a GET answered, so that GET, edit, PUT works. */
    private static final Set<String> REPLACE_FIELDS = Set.of("username", "claims", "backupCodesLeft", "locked",
            "lockedUntil");

    /** A user to make; the password is never shown. */
    record NewUser(String username, String password, ProfileEdit profile) {
        @Override
        public String toString() {
            return "NewUser[username=" + username + ", password=***, profile=" + profile + "]";
        }
    }

    private UserJson() {
    }

    /** The answer for one user: the whole number, since the admin edits it. */
    static ObjectNode of(UserProfile p) {
        return render(p, p.mobile());
    }

    /** The user as the audit keeps it: the number masked; null stays null. */
    static ObjectNode audited(UserProfile p) {
        return p == null ? null : render(p, p.mobile() == null ? null : PhoneNumbers.mask(p.mobile()));
    }

    /** The body of a create. */
    static NewUser newUser(JsonNode body) {
        onlyKnown(body, CREATE_FIELDS, "");
        return new NewUser(text(body, "username"), text(body, "password"), profile(body));
    }

    /** The body of a replace of {@code username}'s profile: what it leaves out is cleared. */
    static ProfileEdit replacement(JsonNode body, String username) {
        onlyKnown(body, REPLACE_FIELDS, "");
        JsonNode named = body.get("username");
        if (named != null && !named.isNull() && !(named.isTextual() && named.textValue().equalsIgnoreCase(username))) {
            throw new ConfigException("username cannot be changed: it must be the path's or left out");
        }
        return profile(body);
    }

    /** A field that must be a string when given; its value is checked by {@link UserAdmin}. */
    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ConfigException(field + " must be a string");
        }
        return value.textValue();
    }

    private static ProfileEdit profile(JsonNode body) {
        JsonNode claims = body.get("claims");
        if (claims == null || claims.isNull()) {
            return new ProfileEdit(null, false, null);
        }
        if (!claims.isObject()) {
            throw new ConfigException("claims must be an object");
        }
        if (claims.has("otp_backup_codes")) {
            throw new ConfigException("claims.otp_backup_codes is not taken here: backup codes are made by"
                    + " POST .../backup-codes and shown once");
        }
        onlyKnown(claims, CLAIMS, "claims.");
        JsonNode mobile = claims.get("mobile");
        if (mobile != null && !mobile.isNull() && !mobile.isTextual()) {
            throw new ConfigException("claims.mobile must be a string (E.164) or null");
        }
        JsonNode disable = claims.get("disable_sms_otp");
        if (disable != null && !disable.isNull() && !disable.isBoolean()) {
            throw new ConfigException("claims.disable_sms_otp must be true or false");
        }
        return new ProfileEdit(mobile == null || mobile.isNull() ? null : mobile.textValue(),
                disable != null && disable.booleanValue(), roles(claims.get("roles")));
    }

    private static List<String> roles(JsonNode roles) {
        if (roles == null || roles.isNull()) {
            return null;
        }
        if (!roles.isArray()) {
            throw new ConfigException("claims.roles must be a list of role names");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            if (!roles.get(i).isTextual()) {
                throw new ConfigException("claims.roles[" + i + "] must be a string");
            }
            names.add(roles.get(i).textValue());
        }
        return names;
    }

    private static void onlyKnown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new ConfigException(prefix + name + " is not a field here (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static ObjectNode render(UserProfile p, String mobile) {
        ObjectNode user = NODES.objectNode().put("username", p.username());
        ObjectNode claims = user.putObject("claims");
        claims.put("mobile", mobile);
        claims.put("disable_sms_otp", p.disableSmsOtp());
        ArrayNode roles = claims.putArray("roles");
        p.roles().forEach(roles::add);
        user.put("backupCodesLeft", p.backupCodesLeft());
        user.put("locked", p.locked());
        user.put("lockedUntil", p.lockedUntil() == null ? null : p.lockedUntil().toString());
        return user;
    }
}
