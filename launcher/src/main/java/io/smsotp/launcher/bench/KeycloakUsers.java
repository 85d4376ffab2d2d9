package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.users.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Keycloak realm the comparison logs in to, at Keycloak's defaults (its browser flow, which asks
 * a user with an OTP credential for the code after the password; its OTP policy: TOTP, HMAC-SHA1, 6
 * digits, 30 s, a code not accepted twice; its password hash, Argon2id m=7168 KiB, t=5, p=1): one
 * confidential client with PKCE, and users each with that password hash and a TOTP secret of its
 * own. The password hashes are made once here (the same password and salt for every user, so the
 * import does not hash thousands of passwords) in Keycloak's stored form.
 *
 * <p>Keycloak refuses a TOTP code a user has used already, so a user logs in at most once per 30 s
 * step: {@link #next} hands out the users in turn and passes over one that logged in during the
 * current step. With {@code count} users that bounds the rate at {@code count / 30} logins a second.
 */
final class KeycloakUsers {

    static final int DIGITS = 6;
    static final int STEP_SECONDS = 30;
    static final String CLIENT_ID = "bench-login";
    /** Never called: the benchmark reads the authorization code from the redirect's Location. */
    static final String REDIRECT_URI = "http://127.0.0.1:9/callback";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One user: its name and the TOTP secret Keycloak keeps for it. */
    record User(int index, String username, byte[] totpSecret) {
    }

    private final String password = ProductProcess.randomToken();
    private final String clientSecret = ProductProcess.randomToken();
    private final List<User> users = new ArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final AtomicLongArray lastStep;
    private final String hashValue;
    private final String salt;

    KeycloakUsers(int count) {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < count; i++) {
            // Keycloak keys its HMAC with the secret's UTF-8 bytes: letters and digits only
            byte[] secret = new byte[20];
            for (int b = 0; b < secret.length; b++) {
                secret[b] = (byte) "abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36));
            }
            users.add(new User(i, "kc-bench-" + i, secret));
        }
        lastStep = new AtomicLongArray(count);
        for (int i = 0; i < count; i++) {
            lastStep.set(i, -1);
        }
        // $argon2id$v=19$m=7168,t=5,p=1$<salt>$<hash>, unpadded base64; Keycloak keeps both padded
        String[] phc = new PasswordHasher().hash(password.toCharArray(), 7168, 5, 1).split("\\$");
        salt = Base64.getEncoder().encodeToString(Base64.getDecoder().decode(phc[4]));
        hashValue = Base64.getEncoder().encodeToString(Base64.getDecoder().decode(phc[5]));
    }

    String password() {
        return password;
    }

    String clientSecret() {
        return clientSecret;
    }

    int size() {
        return users.size();
    }

    /** The realm with its client (no users: they go in by partial import, {@link #representations}). */
    ObjectNode realm() {
        ObjectNode realm = JSON.createObjectNode().put("realm", KeycloakProcess.REALM).put("enabled", true);
        ObjectNode client = realm.putArray("clients").addObject().put("clientId", CLIENT_ID)
                .put("secret", clientSecret).put("publicClient", false).put("standardFlowEnabled", true)
                .put("directAccessGrantsEnabled", false);
        client.putArray("redirectUris").add(REDIRECT_URI);
        client.putObject("attributes").put("pkce.code.challenge.method", "S256");
        return realm;
    }

    /** Each user as Keycloak's import takes it: profile complete, the password hash and the TOTP secret. */
    List<ObjectNode> representations() {
        List<ObjectNode> out = new ArrayList<>();
        for (User u : users) {
            ObjectNode n = JSON.createObjectNode().put("username", u.username()).put("enabled", true)
                    .put("email", u.username() + "@bench.invalid").put("emailVerified", true)
                    .put("firstName", "Bench").put("lastName", "User " + u.index());
            var credentials = n.putArray("credentials");
            credentials.addObject().put("type", "password")
                    .put("secretData", passwordSecretData())
                    .put("credentialData", "{\"hashIterations\":5,\"algorithm\":\"argon2\",\"additionalParameters\":"
                            + "{\"hashLength\":[\"32\"],\"memory\":[\"7168\"],\"type\":[\"id\"],\"version\":[\"1.3\"],"
                            + "\"parallelism\":[\"1\"]}}");
            credentials.addObject().put("type", "otp").put("userLabel", "bench")
                    .put("secretData", JSON.createObjectNode()
                            .put("value", new String(u.totpSecret(), StandardCharsets.US_ASCII)).toString())
                    .put("credentialData", "{\"subType\":\"totp\",\"digits\":" + DIGITS + ",\"counter\":0,\"period\":"
                            + STEP_SECONDS + ",\"algorithm\":\"HmacSHA1\"}");
            out.add(n);
        }
        return out;
    }

    private String passwordSecretData() {
        ObjectNode s = JSON.createObjectNode().put("value", hashValue).put("salt", salt);
        s.putObject("additionalParameters");
        return s.toString();
    }

    /**
     * The next user that has not logged in during the current TOTP step, marked as logging in now;
     * it waits for the next step when every user has (more logins a second than users / 30).
     */
    User next() throws InterruptedException {
        while (true) {
            Optional<User> user = tryNext(System.currentTimeMillis());
            if (user.isPresent()) {
                return user.get();
            }
            Thread.sleep(100);
        }
    }

    /** {@link #next} at {@code epochMillis}, or nothing when every user has logged in during that step. */
    Optional<User> tryNext(long epochMillis) {
        long step = epochMillis / 1000 / STEP_SECONDS;
        for (int tries = 0; tries < users.size(); tries++) {
            int i = Math.floorMod(turn.getAndIncrement(), users.size());
            long last = lastStep.get(i);
            if (last < step && lastStep.compareAndSet(i, last, step)) {
                return Optional.of(users.get(i));
            }
        }
        return Optional.empty();
    }

    /** RFC 6238's TOTP (HMAC-SHA1, {@value #DIGITS} digits) of {@code secret} at Unix time {@code epochSecond}. */
    static String totp(byte[] secret, long epochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            long counter = epochSecond / STEP_SECONDS;
            byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
                    | (h[offset + 3] & 0xff);
            return String.format("%0" + DIGITS + "d", binary % 1_000_000);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }
}
