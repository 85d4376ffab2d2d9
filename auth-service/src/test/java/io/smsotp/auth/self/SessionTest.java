package io.smsotp.auth.self;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionTest {

    static final Instant SIGNED_IN = Instant.parse("2030-01-01T10:00:00Z");

    @Test
    void endsAfterThirtyMinutesUnused() {
        Session s = Session.start("alice", "smsotp-account", SIGNED_IN);

        assertThat(s.liveAt(SIGNED_IN.plus(Duration.ofMinutes(30)).minusSeconds(1))).isTrue();
        assertThat(s.liveAt(SIGNED_IN.plus(Duration.ofMinutes(30)))).isFalse();
    }

    @Test
    void useKeepsItGoingButNeverPastEightHours() {
        Session s = Session.start("alice", "smsotp-account", SIGNED_IN);
        Instant now = SIGNED_IN;
        for (int i = 0; i < 8 * 3; i++) {
            now = now.plus(Duration.ofMinutes(20));
            assertThat(s.liveAt(now)).as("used every 20 minutes, at %s", now)
                    .isEqualTo(now.isBefore(SIGNED_IN.plus(Duration.ofHours(8))));
            s = s.seenAt(now);
        }
        assertThat(s.liveAt(SIGNED_IN.plus(Duration.ofHours(8)))).isFalse();
    }

    @Test
    void theCookieLivesUntilTheAbsoluteEnd() {
        Session s = Session.start("alice", "smsotp-account", SIGNED_IN);

        assertThat(s.cookieLifetime(SIGNED_IN.plus(Duration.ofHours(1)))).isEqualTo(Duration.ofHours(7));
        assertThat(s.cookieLifetime(SIGNED_IN.plus(Duration.ofHours(9)))).isEqualTo(Duration.ZERO);
    }

    @Test
    void eachSessionHasItsOwnIdAndPrintsNone() {
        Session a = Session.start("alice", "smsotp-account", SIGNED_IN);
        Session b = Session.start("alice", "smsotp-account", SIGNED_IN);

        assertThat(a.id()).isNotEqualTo(b.id()).hasSize(22);
        assertThat(a.toString()).doesNotContain(a.id());
    }
}
