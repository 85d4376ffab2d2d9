package io.smsotp.auth.login;

import static io.smsotp.auth.login.LoginContexts.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginContextKeyTest {

    @TempDir
    Path dataDir;

    @Test
    void makesAnOwnerOnlyKeyFileOnFirstStart() throws Exception {
        LoginContextKey.loadOrCreate(dataDir.resolve("nested"));

        Path file = dataDir.resolve("nested").resolve(LoginContextKey.FILE_NAME);
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dataDir.resolve("nested")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aLoginSealedBeforeARestartStillOpens() {
        LoginContext context = LoginContexts.atSmsStep();
        String token = new LoginContextSealer(LoginContextKey.loadOrCreate(dataDir)).seal(context);

        LoginContextSealer afterRestart = new LoginContextSealer(LoginContextKey.loadOrCreate(dataDir));

        assertThat(afterRestart.open(token, context.binding(), NOW)).hasValueSatisfying(opened ->
                assertThat(opened).isEqualTo(context.withStepId(opened.stepId())));
    }

    @Test
    void anotherDataDirsKeyCannotOpenIt(@TempDir Path otherDir) {
        LoginContext context = LoginContexts.atSmsStep();
        String token = new LoginContextSealer(LoginContextKey.loadOrCreate(dataDir)).seal(context);

        LoginContextSealer otherInstance = new LoginContextSealer(LoginContextKey.loadOrCreate(otherDir));

        assertThat(otherInstance.open(token, context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesAKeyFileOfTheWrongLength() throws Exception {
        Files.writeString(dataDir.resolve(LoginContextKey.FILE_NAME), Base64.getEncoder().encodeToString(new byte[16]));

        assertThatThrownBy(() -> LoginContextKey.loadOrCreate(dataDir))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must hold 32 bytes");
    }

    @Test
    void refusesAKeyFileThatIsNotBase64WithoutQuotingIt() throws Exception {
        Files.writeString(dataDir.resolve(LoginContextKey.FILE_NAME), "s3cret!material");

        assertThatThrownBy(() -> LoginContextKey.loadOrCreate(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not base64")
                .message().doesNotContain("s3cret");
    }

    @Test
    void doesNotShowTheKeyInToString() throws Exception {
        LoginContextKey key = LoginContextKey.loadOrCreate(dataDir);
        String stored = Files.readString(dataDir.resolve(LoginContextKey.FILE_NAME)).strip();

        assertThat(key.toString()).doesNotContain(stored);
    }
}
