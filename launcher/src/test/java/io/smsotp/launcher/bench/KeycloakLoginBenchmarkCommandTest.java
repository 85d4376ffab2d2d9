package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak side of the login comparison as a script runs it, briefly, against the real server
 * (the build unpacks {@code org.keycloak:keycloak-quarkus-dist} into {@code target/keycloak}):
 * whole logins with password and TOTP through the token endpoint, every one completed, and a row
 * of the table with their cost. Speed is not asserted.
 */
class KeycloakLoginBenchmarkCommandTest {

    private static final Pattern ROW = Pattern.compile("\\| Keycloak - Version [\\d.]+, keycloak \\(m=7168,t=5,p=1\\)"
            + " \\| 2 \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| (\\d+) \\|");

    @Test
    void completesEveryLoginAtKeycloakThroughTheTokenEndpointAndReportsItsCost() throws Exception {
        String home = System.getProperty("smsotp.test.keycloakHome");
        assertThat(home).as("the build sets smsotp.test.keycloakHome (launcher/pom.xml)").isNotBlank();
        assertThat(Files.isRegularFile(Path.of(home, "bin", "kc.sh"))).as("Keycloak unpacked by the build in %s", home)
                .isTrue();

        List<String> lines = BenchCommand.run(KeycloakLoginBenchmark.class, "--keycloak-home", home,
                "--concurrency", "2", "--seconds", "3", "--warmup-seconds", "3", "--jvms", "1", "--users", "60");

        BenchCommand.assertLoginRow(ROW, lines);
        assertThat(String.join("\n", lines)).as("the realm made once").contains("realm made: 60 users");
    }

    @Test
    void refusesToStartWithoutAKeycloakHomeAndSaysWhy() throws Exception {
        Path empty = Files.createTempDirectory("no-keycloak");
        var p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), KeycloakLoginBenchmark.class.getName(), "--keycloak-home",
                empty.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isNotZero();
        assertThat(out).contains("--keycloak-home: no bin/kc.sh under " + empty);
        Files.delete(empty);
    }
}
