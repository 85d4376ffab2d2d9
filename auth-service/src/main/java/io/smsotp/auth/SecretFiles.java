package io.smsotp.auth;

import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key files in the data dir: made once, whole, readable by the owner only. */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /**
     * The content of {@code fileName} in {@code dataDir}, made first with {@code content} (see
     * {@link #createOnce}) when there is no such file.
     */
    public static String loadOrCreate(Path dataDir, String fileName, Supplier<String> content) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path file = dataDir.resolve(fileName);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                createOnce(file, content.get());
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /**
     * A random key of {@code bytes} bytes kept base64 in {@code fileName} in {@code dataDir}, made
     * on first use; a file that does not hold exactly that is an error that never quotes the file.
     */
    public static byte[] randomKey(Path dataDir, String fileName, int bytes) {
        String content = loadOrCreate(dataDir, fileName, () -> {
            byte[] key = new byte[bytes];
            RANDOM.nextBytes(key);
            return Base64.getEncoder().encodeToString(key) + "\n";
        });
        Path file = dataDir.resolve(fileName);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(content.strip());
        } catch (IllegalArgumentException e) {
            // the message would quote the file, which holds the key
            throw new IllegalStateException(file + " is not base64 (content not shown)");
        }
        if (key.length != bytes) {
            throw new IllegalStateException(file + " must hold " + bytes + " bytes in base64, held " + key.length);
        }
        return key;
    }

    /**
     * Writes {@code content} to {@code file} unless the file exists already. The content is
     * written whole to a temporary file, owner-only, before it gets its name, so another instance
     * starting on the same data dir never reads half a key; if that instance wins the race, its
     * file stays and this content is dropped.
     */
    public static void createOnce(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            ownerOnly(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another instance won the race: its key is the one to use
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes {@code file} readable and writable by its owner only, where the file system has POSIX permissions. */
    public static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the data dir's own permissions must do
        }
    }
}
