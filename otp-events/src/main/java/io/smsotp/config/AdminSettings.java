package io.smsotp.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may use the admin API without a console session.
 *
 * @param apiKeys the admin API keys of automation, each the key itself (at least 24 characters)
 *     or its SHA-256 as {@code sha256:<64 hex digits>}, so a config file need not hold the key
 */
public record AdminSettings(List<String> apiKeys) {

    public static final String SHA256_PREFIX = "sha256:";
    private static final Pattern HASHED = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    public AdminSettings {
        List<String> checked = new ArrayList<>();
        List<String> given = apiKeys == null ? List.of() : apiKeys;
        for (int i = 0; i < given.size(); i++) {
            String key = given.get(i);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("admin.apiKeys[" + i + "] is empty");
            }
            if (key.startsWith(SHA256_PREFIX)) {
                if (!HASHED.matcher(key).matches()) {
                    throw new IllegalArgumentException("admin.apiKeys[" + i + "] must be sha256: and 64 hex digits");
                }
            } else if (key.length() < 24) {
                throw new IllegalArgumentException("admin.apiKeys[" + i
                        + "] must be at least 24 characters (value not shown)");
            }
            checked.add(key);
        }
        apiKeys = List.copyOf(checked);
    }

    public static AdminSettings defaults() {
        return new AdminSettings(null);
    }

    /** The SHA-256 digests (lower-case hex) of the admin keys, whichever way each was given. */
    public List<String> keyDigests() {
        return apiKeys.stream().map(k -> k.startsWith(SHA256_PREFIX)
                ? k.substring(SHA256_PREFIX.length()).toLowerCase(Locale.ROOT) : sha256Hex(k)).toList();
    }

    /** The lower-case hex SHA-256 of a key's UTF-8 bytes: how keys are stored and looked up. */
    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AdminSettings[apiKeys=" + apiKeys.size() + "]";
    }
}
