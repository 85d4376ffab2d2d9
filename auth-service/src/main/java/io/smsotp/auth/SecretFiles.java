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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data dir and the key files in it: the dir is its owner's only (0700), and so is every file
 * (0600); key files are made once and whole.
 */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

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
            ownerOnlyDirectory(dataDir);
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
        setMode(file, OWNER_ONLY_FILE);
    }

    /**
     * Makes {@code dir} (and any missing parent) and gives it mode 0700, also when it existed with
     * another: whatever is made in it later, with the process umask, is out of other users' reach.
     */
    public static void ownerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        setMode(dir, OWNER_ONLY_DIR);
    }

    /**
     * Gives every folder under {@code root}, itself included, mode 0700 and every file 0600: for
     * files that others made with the process umask (the H2 database) and data dirs of earlier versions.
     */
    public static void ownerOnlyTree(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        }
        for (Path p : all) {
            try {
                setMode(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? OWNER_ONLY_DIR : OWNER_ONLY_FILE);
            } catch (NoSuchFileException e) {
                // a temporary file the database deleted meanwhile
            }
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the data dir's own permissions must do
        }
    }
}
