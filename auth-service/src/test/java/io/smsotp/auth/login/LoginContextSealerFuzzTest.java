package io.smsotp.auth.login;

import static io.smsotp.auth.login.LoginContexts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;

/**
 * The login context token and the binding cookie come back from the browser: whatever they hold,
 * {@link LoginContextSealer#open} answers empty or the context, never throws, and a token that
 * differs from a sealed one anywhere never opens.
 */
class LoginContextSealerFuzzTest {

    private static final LoginContextSealer SEALER;
    private static final LoginContext CONTEXT = LoginContexts.atSmsStep();
    private static final String TOKEN;
    private static final char[] BASE64URL_AND_DOT =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/".toCharArray();

    static {
        try {
            SEALER = new LoginContextSealer(LoginContextKey.loadOrCreate(Files.createTempDirectory("smsotp-fuzz")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TOKEN = SEALER.seal(CONTEXT);
    }

    @FuzzTest
    void opensNoTokenItDidNotSeal(FuzzedDataProvider data) {
        String binding = data.consumeBoolean() ? CONTEXT.binding() : data.consumeString(64);
        String token = data.consumeBoolean() ? fiveParts(data) : data.consumeRemainingAsString();

        if (token.equals(TOKEN) && binding.equals(CONTEXT.binding())) {
            assertThat(SEALER.open(token, binding, NOW).map(c -> c.withStepId("x"))).contains(CONTEXT.withStepId("x"));
        } else {
            assertThat(SEALER.open(token, binding, NOW)).isEmpty();
        }
    }

    /** A compact JWE's shape, each part the real token's or other bytes, so the parser and decrypter are reached. */
    private static String fiveParts(FuzzedDataProvider data) {
        String[] real = TOKEN.split("\\.", -1);
        String[] parts = new String[5];
        for (int i = 0; i < 5; i++) {
            parts[i] = data.consumeBoolean() ? real[i]
                    : Base64.getUrlEncoder().withoutPadding().encodeToString(data.consumeBytes(data.consumeInt(0, 600)));
        }
        return String.join(".", parts);
    }

    @FuzzTest
    void opensASealedTokenOnlyUnchanged(FuzzedDataProvider data) {
        StringBuilder token = new StringBuilder(TOKEN);
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
            int at = data.consumeInt(0, token.length());
            char c = data.consumeBoolean() ? data.pickValue(BASE64URL_AND_DOT) : data.consumeChar();
            switch (data.consumeInt(0, 2)) {
                case 0 -> token.insert(at, c);
                case 1 -> {
                    if (at < token.length()) {
                        token.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < token.length()) {
                        token.setCharAt(at, c);
                    }
                }
            }
        }
        String changed = token.toString();

        if (changed.equals(TOKEN)) {
            assertThat(SEALER.open(changed, CONTEXT.binding(), NOW).map(c -> c.withStepId("x")))
                    .contains(CONTEXT.withStepId("x"));
        } else {
            assertThat(SEALER.open(changed, CONTEXT.binding(), NOW)).as("changed token %s", changed).isEmpty();
        }
    }
}
