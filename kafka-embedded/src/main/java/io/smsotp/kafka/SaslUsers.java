package io.smsotp.kafka;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The users of a secured {@link EmbeddedKafkaBroker}: its client listener asks for SASL with
 * {@code mechanism}, and the standard KRaft authorizer allows only what ACLs grant, except to the
 * super user (the broker itself and whoever sets up the ACLs).
 *
 * @param mechanism {@code PLAIN} (users in the broker's JAAS config) or {@code SCRAM-SHA-256} /
 *     {@code SCRAM-SHA-512} (credentials written into the metadata log when the storage is formatted)
 * @param superUser the broker's own and the administrator's user name
 * @param passwords every user's password, the super user's included
 */
public record SaslUsers(String mechanism, String superUser, Map<String, String> passwords) {

    public SaslUsers {
        mechanism = Objects.requireNonNull(mechanism, "mechanism").toUpperCase(Locale.ROOT);
        if (!mechanism.equals("PLAIN") && !mechanism.equals("SCRAM-SHA-256") && !mechanism.equals("SCRAM-SHA-512")) {
            throw new IllegalArgumentException("mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, was "
                    + mechanism);
        }
        Objects.requireNonNull(superUser, "superUser");
        passwords = Map.copyOf(Objects.requireNonNull(passwords, "passwords"));
        if (!passwords.containsKey(superUser)) {
            throw new IllegalArgumentException("the super user " + superUser + " needs a password too");
        }
        for (String name : passwords.keySet()) {
            // names and passwords go into JAAS and StorageTool arguments unquoted
            if (!name.matches("[A-Za-z0-9._-]+") || !passwords.get(name).matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("user names and passwords may hold only letters, digits and ._-");
            }
        }
    }

    public boolean scram() {
        return mechanism.startsWith("SCRAM");
    }

    /**
     * The client properties ({@code kafka.properties}) that log {@code user} in with {@code password}
     * (which need not be the right one: tests use that).
     */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", loginModule() + " required username=\"" + user + "\" password=\"" + password
                + "\";");
        return p;
    }

    /** As {@link #clientProperties(String, String)} with the user's own password. */
    public Map<String, String> clientProperties(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        return clientProperties(user, password);
    }

    String loginModule() {
        return scram() ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
    }

    /** Passwords are not shown. */
    @Override
    public String toString() {
        return "SaslUsers[" + mechanism + ", super user " + superUser + ", users " + passwords.keySet() + "]";
    }
}
