package io.smsotp.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.console.ConsoleFixture.Admin;
import io.smsotp.testsupport.FormBrowser.Page;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deployment without configEncryptionKey: an admin still signs in, and every page says why it cannot work. */
class ConsoleWithoutLiveConfigHttpTest {

    @TempDir
    Path dataDir;

    @Test
    void everyPageAnswers503NamingTheMissingKey() {
        try (ConsoleFixture console = new ConsoleFixture(dataDir, false)) {
            Admin root = console.root();

            Page overview = root.get(ApiPaths.CONSOLE);
            Page users = root.get(ApiPaths.CONSOLE_USERS);
            Page provider = root.get(ApiPaths.CONSOLE_PROVIDER_EDIT + "?name=file-provider");

            for (Page p : List.of(overview, users, provider)) {
                assertThat(p.status()).isEqualTo(503);
                assertThat(p.body()).contains("The console is not available").contains("configEncryptionKey");
            }
        }
    }
}
