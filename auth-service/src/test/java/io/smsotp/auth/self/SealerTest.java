package io.smsotp.auth.self;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SealerTest {

    static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    final Sealer sealer = new Sealer(new SessionKey(random()));
    final Session session = Session.start("alice", "smsotp-account", NOW);

    @Test
    void opensWhatItSealedForTheSamePurposeAndHidesItsContent() {
        String token = sealer.seal(session, "smsotp_account_session");

        assertThat(token).matches("[A-Za-z0-9_-]+").doesNotContain("alice");
        assertThat(sealer.open(token, "smsotp_account_session", Session.class)).contains(session);
    }

    @Test
    void refusesATokenSealedForAnotherPurpose() {
        String token = sealer.seal(session, "smsotp_account_session");

        assertThat(sealer.open(token, "smsotp_console_session", Session.class)).isEmpty();
    }

    @Test
    void refusesATokenSealedUnderAnotherKey() {
        String token = new Sealer(new SessionKey(random())).seal(session, "smsotp_account_session");

        assertThat(sealer.open(token, "smsotp_account_session", Session.class)).isEmpty();
    }

    @Test
    void refusesEveryChangedCharacter() {
        String token = sealer.seal(session, "p");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < token.length(); i++) {
            char other = alphabet.charAt((alphabet.indexOf(token.charAt(i)) + 1) % alphabet.length());
            String changed = token.substring(0, i) + other + token.substring(i + 1);
            assertThat(sealer.open(changed, "p", Session.class)).as("changed at %d", i).isEmpty();
        }
    }

    @Test
    void refusesNothingMissingMalformedOrOversized() {
        assertThat(sealer.open(null, "p", Session.class)).isEmpty();
        assertThat(sealer.open("", "p", Session.class)).isEmpty();
        assertThat(sealer.open("not a token!", "p", Session.class)).isEmpty();
        assertThat(sealer.open("AAAA", "p", Session.class)).isEmpty();
        assertThat(sealer.open("A".repeat(Sealer.MAX_TOKEN_LENGTH + 1), "p", Session.class)).isEmpty();
    }

    @Test
    void refusesATokenOfAnotherShape() {
        String token = sealer.seal(new SignInAttempt("s", "v", "n", "/account", NOW), "p");

        assertThat(sealer.open(token, "p", Session.class)).isEmpty();
    }

    static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
