package io.smsotp.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Secrets the embedded default makes for itself when the config gives none: the code HMAC key,
 * the keys that seal SMS texts and typed codes in Kafka, and the demo application's API key. Kept in the data dir (owner-only), so a restart on the same
 * folder can still check the codes of pending challenges.
 */
final class LauncherSecrets {

    static final String FILE = "launcher-secrets.properties";
    static final String CODE_HMAC_KEY = "codeHmacKey";
    static final String DEMO_API_KEY = "demoApiKey";
    static final String DEMO_CLIENT_SECRET = "demoClientSecret";
    static final String SMS_ENCRYPTION_KEY = "smsEncryptionKey";
    static final String CODE_ENCRYPTION_KEY = "codeEncryptionKey";
    static final String CONFIG_ENCRYPTION_KEY = "configEncryptionKey";
    static final String ADMIN_API_KEY = "adminApiKey";
    static final String DEMO_USER_PASSWORD = "demoUserPassword";
    static final String ADMIN_USER_PASSWORD = "adminUserPassword";
    static final String DEMO_USER_BACKUP_CODES = "demoUserBackupCodes";
    /** Letters and digits a person can read back and type without mix-ups (no 0/o, 1/l/i). */
    private static final String READABLE = "abcdefghjkmnpqrstuvwxyz23456789";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties values = new Properties();

    private LauncherSecrets(Path file) {
        this.file = file;
    }

    static LauncherSecrets in(Path dataDir) {
        LauncherSecrets secrets = new LauncherSecrets(dataDir.resolve(FILE));
        if (Files.exists(secrets.file)) {
            try (InputStream in = Files.newInputStream(secrets.file)) {
                secrets.values.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + secrets.file, e);
            }
        }
        return secrets;
    }

    /** The stored value, or a new random one (32 bytes, base64) that is stored first. */
    String getOrCreate(String name) {
        String value = values.getProperty(name);
        if (value == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            value = name.equals(DEMO_API_KEY) || name.equals(ADMIN_API_KEY) ? Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
                    : Base64.getEncoder().encodeToString(bytes);
            values.setProperty(name, value);
            save();
        }
        return value;
    }

    /** The stored value, or {@code maker}'s, stored first. */
    String getOrCreate(String name, java.util.function.Supplier<String> maker) {
        String value = values.getProperty(name);
        if (value == null) {
            value = maker.get();
            values.setProperty(name, value);
            save();
        }
        return value;
    }

    /** A password a newcomer can type from the console: three groups of four, e.g. {@code k7qm-2xwp-9hrd}. */
    static String readablePassword() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append('-');
            }
            sb.append(READABLE.charAt(RANDOM.nextInt(READABLE.length())));
        }
        return sb.toString();
    }

    /** {@code count} backup codes of 8 digits, comma-separated as the user config takes them. */
    static String backupCodes(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.format("%08d", RANDOM.nextInt(100_000_000)));
        }
        return sb.toString();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the folder's own permissions apply
                }
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                values.store(out, "made by the smsotp launcher; keep private");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
