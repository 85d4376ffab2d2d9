package io.smsotp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.AppConfig;
import io.smsotp.config.AuthSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.UserConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything auth-service keeps in {@code auth.dataDir} (keys and the embedded H2 database) is
 * its owner's alone, whatever the umask of the process (0022 here: new files would be rw-r--r--).
 */
class DataDirPermissionsTest {

    @TempDir
    Path tmp;

    @Test
    void aFreshDataDirHoldsOnlyOwnerOnlyFoldersAndFilesWhileRunningAndAfterStop() throws Exception {
        Path dataDir = tmp.resolve("deployment").resolve("auth");

        AuthService service = AuthService.withLogin(config(dataDir), new InMemoryWriter()).start();
        try {
            // a request on the real port, and a write to the H2 store besides the import at start
            assertThat(get(service.issuer() + "/.well-known/openid-configuration")).isEqualTo(200);
            service.users().setPassword("alice", "another battery staple");
            assertThat(modes(dataDir)).as("while running").isNotEmpty().allSatisfy(DataDirPermissionsTest::ownerOnly);
            assertThat(modes(dataDir).keySet()).anyMatch(p -> p.getFileName().toString().endsWith(".mv.db"));
        } finally {
            service.stop();
        }

        assertThat(modes(dataDir)).as("after stop").allSatisfy(DataDirPermissionsTest::ownerOnly);
    }

    @Test
    void aDataDirLeftOpenByAnEarlierVersionIsClosedAtStart() throws Exception {
        Path dataDir = tmp.resolve("auth");
        AuthService.withLogin(config(dataDir), new InMemoryWriter()).start().stop();
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        AuthService service = AuthService.withLogin(config(dataDir), new InMemoryWriter()).start();
        try {
            assertThat(modes(dataDir)).allSatisfy(DataDirPermissionsTest::ownerOnly);
        } finally {
            service.stop();
        }
    }

    private static SmsOtpConfig config(Path dataDir) {
        return SmsOtpConfig.defaults()
                .withAuth(new AuthSettings("127.0.0.1", 0, Duration.ofSeconds(2), null, null, dataDir.toString()))
                .withApps(List.of(new AppConfig("web", "Web", null, null, List.of("http://localhost:9999/cb"), null,
                        null, null, null, null, null, null)))
                .withUsers(List.of(new UserConfig("alice", "correct horse battery", null,
                        new UserConfig.Claims("+15551234567", false, "10300,21390"))));
    }

    /** Every folder and file under {@code root}, itself included, with its mode. */
    private static Map<Path, String> modes(Path root) throws IOException {
        Map<Path, String> modes = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                modes.put(p, (Files.isDirectory(p) ? "d" : "-") + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return modes;
    }

    private static void ownerOnly(Path path, String mode) {
        assertThat(mode).as("%s", path).isIn("drwx------", "-rw-------");
    }

    private static int get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
