package io.smsotp.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration comes from outside (a YAML file and the environment): any text and any variables
 * give a configuration or a {@link ConfigException} whose message says where; never an NPE, a
 * ClassCastException or a StackOverflowError, and no YAML alias bomb blows up the heap.
 */
class ConfigLoaderFuzzTest {

    /** Names that reach deep into the tree, so the fuzzer need not guess them. */
    private static final String[] ENV_NAMES = {"SMSOTP_APPS_0_APIKEY", "SMSOTP_APPS_0_OTP_LENGTH", "SMSOTP_APPS_0_ID",
            "SMSOTP_AUTH_PORT", "SMSOTP_PROVIDERS_0_URL", "SMSOTP_PROVIDERS_0_SUCCESSCODES", "SMSOTP_PROVIDERS_1_PRESET",
            "SMSOTP_APPS_0_OTP_TTL", "SMSOTP_KAFKA_PARTITIONS", "SMSOTP_RATELIMITS_PERNUMBER_MAX", "SMSOTP_USERS_0",
            "SMSOTP_DISPATCHER_RETRY_MULTIPLIER", "KAFKA_BOOTSTRAP_SERVERS", "SMSOTP_APPS", "SMSOTP_", "SMSOTP_0"};

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("smsotp-fuzz", ".yml");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void readsAnyYamlAndEnvironmentAsConfigOrRefusesSayingWhere(FuzzedDataProvider data) {
        Map<String, String> env = environment(data);
        String yaml = data.consumeRemainingAsString();
        try {
            assertThat(ConfigLoader.parse(yaml, env)).isNotNull();
        } catch (ConfigException refused) {
            assertClear(refused);
        }
    }

    @FuzzTest
    void readsAnyConfigFileOrRefusesSayingWhere(FuzzedDataProvider data) throws IOException {
        Map<String, String> env = environment(data);
        Files.write(FILE, data.consumeRemainingAsBytes());
        try {
            assertThat(ConfigLoader.load(FILE, env)).isNotNull();
        } catch (ConfigException refused) {
            assertClear(refused);
        }
    }

    private static Map<String, String> environment(FuzzedDataProvider data) {
        Map<String, String> env = new HashMap<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            String name = data.consumeBoolean() ? data.pickValue(ENV_NAMES) : "SMSOTP_" + data.consumeString(40);
            env.put(name, data.consumeString(200));
        }
        return env;
    }

    private static void assertClear(ConfigException refused) {
        // a message a person can act on: not blank, and not the text of an NPE or a failed cast passed through
        assertThat(refused.getMessage()).isNotBlank()
                .doesNotContain("Cannot invoke", "because \"", "cannot be cast to", "NullPointerException");
    }
}
