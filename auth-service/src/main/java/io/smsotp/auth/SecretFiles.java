package io.smsotp.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key files in the data dir: made once, whole, readable by the owner only. */
public final class SecretFiles {

    private SecretFiles() {
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
