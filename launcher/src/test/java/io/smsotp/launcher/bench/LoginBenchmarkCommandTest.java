package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The login benchmark as a script runs it, briefly: whole OIDC logins (password, SMS code, token)
 * against a product in a JVM of its own, every one of them completed, and a table row with what
 * they cost. Speed is not asserted.
 */
class LoginBenchmarkCommandTest {

    private static final Pattern ROW = Pattern.compile(
            "\\| keycloak \\(m=7168,t=5,p=1\\) \\| 2 \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| (\\d+) \\|");

    @Test
    void completesEveryLoginThroughTheTokenEndpointAndReportsItsCost() throws Exception {
        List<String> lines = BenchCommand.run(LoginBenchmark.class,
                "--concurrency", "2", "--seconds", "3", "--warmup-seconds", "3", "--jvms", "1", "--hashes", "keycloak");

        BenchCommand.assertLoginRow(ROW, lines);
    }
}
