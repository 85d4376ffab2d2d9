package io.smsotp.auth.login;

import static io.smsotp.auth.login.LoginContexts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoginContextSealerTest {

    @TempDir
    Path dataDir;

    private LoginContextSealer sealer;
    private LoginContext context;
    private String token;

    @BeforeEach
    void sealOne() {
        sealer = new LoginContextSealer(LoginContextKey.loadOrCreate(dataDir));
        context = LoginContexts.atSmsStep();
        token = sealer.seal(context);
    }

    @Test
    void opensWhatItSealedUnchangedUnderAOneUseStepId() {
        LoginContext opened = sealer.open(token, context.binding(), NOW.plusSeconds(60)).orElseThrow();

        assertThat(opened.stepId()).isNotBlank();
        assertThat(opened).isEqualTo(context.withStepId(opened.stepId()));
    }

    @Test
    void givesEverySealOfTheSameContextItsOwnStepId() {
        String again = sealer.seal(context);

        assertThat(sealer.open(again, context.binding(), NOW).orElseThrow().stepId())
                .isNotEqualTo(sealer.open(token, context.binding(), NOW).orElseThrow().stepId());
    }

    @Test
    void opensAFreshLoginWithItsEmptyFields() {
        LoginContext fresh = LoginContext.start("app", URI.create("https://app.example/cb"), null, null,
                null, "openid", NOW);

        LoginContext opened = sealer.open(sealer.seal(fresh), fresh.binding(), NOW).orElseThrow();
        assertThat(opened).isEqualTo(fresh.withStepId(opened.stepId()));
    }

    @Test
    void sealsAsCompactJweWithDirectA256Gcm() throws Exception {
        assertThat(token.split("\\.", -1)).hasSize(5);
        JWEHeader header = JWEHeader.parse(Base64URL.from(token.split("\\.")[0]));

        assertThat(header.getAlgorithm()).isEqualTo(JWEAlgorithm.DIR);
        assertThat(header.getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
    }

    @ParameterizedTest(name = "part {0}")
    @ValueSource(ints = {0, 2, 3, 4})
    void refusesAFlippedByteInAnyPart(int part) {
        String[] parts = token.split("\\.", -1);
        byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
        bytes[bytes.length / 2] ^= 0x01;
        parts[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThat(sealer.open(String.join(".", parts), context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesAnEncryptedKeyPart() {
        // with dir the second part is empty: a byte there is a changed token too
        String[] parts = token.split("\\.", -1);
        assertThat(parts[1]).isEmpty();
        parts[1] = "AA";

        assertThat(sealer.open(String.join(".", parts), context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesEveryOneCharacterChange() {
        // every position, its character swapped for the one that differs in the lowest bit:
        // at the end of a part that bit may be spare, which a lenient decoder would ignore
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        List<Integer> opened = new ArrayList<>();
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            char other = c == '.' ? 'A' : alphabet.charAt(alphabet.indexOf(c) ^ 1);
            String changed = token.substring(0, i) + other + token.substring(i + 1);
            if (sealer.open(changed, context.binding(), NOW).isPresent()) {
                opened.add(i);
            }
        }
        assertThat(opened).as("positions whose change still opened").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", " ", "\t", "\n", "\u001f"})
    void refusesATokenWithAnythingAroundIt(String around) {
        // found by LoginContextSealerFuzzTest: the JOSE parser trims, so these opened
        assertThat(sealer.open(around + token, context.binding(), NOW)).isEmpty();
        assertThat(sealer.open(token + around, context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesATruncatedToken() {
        assertThat(sealer.open(token.substring(0, token.length() - 1), context.binding(), NOW)).isEmpty();
        assertThat(sealer.open(token.substring(0, token.lastIndexOf('.')), context.binding(), NOW)).isEmpty();
        assertThat(sealer.open(token.substring(0, token.length() / 2), context.binding(), NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "....", "not a token", "a.b.c.d.e", "eyJhbGciOiJub25lIn0.e30."})
    void refusesMalformedTokens(String malformed) {
        assertThat(sealer.open(malformed, context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesAMissingTokenOrBinding() {
        assertThat(sealer.open(null, context.binding(), NOW)).isEmpty();
        assertThat(sealer.open(token, null, NOW)).isEmpty();
        assertThat(sealer.open(token, "", NOW)).isEmpty();
    }

    @Test
    void refusesAnOversizedToken() {
        assertThat(sealer.open(token + "A".repeat(LoginContextSealer.MAX_TOKEN_LENGTH), context.binding(), NOW))
                .isEmpty();
    }

    @Test
    void refusesATokenSealedWithAnotherKey(@TempDir Path otherDir) {
        String foreign = new LoginContextSealer(LoginContextKey.loadOrCreate(otherDir)).seal(context);

        assertThat(sealer.open(foreign, context.binding(), NOW)).isEmpty();
    }

    @Test
    void refusesAnExpiredLogin() {
        assertThat(sealer.open(token, context.binding(), NOW.plus(Duration.ofMinutes(14)))).isPresent();
        assertThat(sealer.open(token, context.binding(), context.expiresAt())).isEmpty();
        assertThat(sealer.open(token, context.binding(), NOW.plus(Duration.ofMinutes(16)))).isEmpty();
    }

    @Test
    void refusesATokenLiftedIntoAnotherBrowser() {
        String otherBrowser = BrowserBinding.newValue();
        String oneCharOff = context.binding().substring(1) + "x";

        assertThat(sealer.open(token, otherBrowser, NOW)).isEmpty();
        assertThat(sealer.open(token, oneCharOff, NOW)).isEmpty();
    }

    @Test
    void keepsTheUsernameAndStateOutOfTheTokensText() {
        for (String part : token.split("\\.", -1)) {
            String decoded = new String(Base64.getUrlDecoder().decode(part), StandardCharsets.ISO_8859_1);
            assertThat(decoded).doesNotContain(context.username(), context.state(), context.clientId(),
                    context.binding(), context.challengeId(), context.mobileToCapture());
        }
        assertThat(token).doesNotContain(context.username(), context.state());
    }
}
