package io.smsotp.auth.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChallengeIdsTest {

    private final ChallengeIds ids = new ChallengeIds();

    @Test
    void makesUrlSafeIdsOf128RandomBits() {
        String id = ids.next();

        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        assertThat(ChallengeIds.isWellFormed(id)).isTrue();
    }

    @Test
    void neverRepeatsAnId() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(ids.next())).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "short", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA+", "AAAAAAAAAAAAAAAAAAAAA=",
            "AAAAAAAAAA/AAAAAAAAAAA", "AAAAAAAAAA AAAAAAAAAAA"})
    void rejectsWhatCannotBeAnId(String id) {
        assertThat(ChallengeIds.isWellFormed(id)).isFalse();
    }

    @Test
    void rejectsOverlongIds() {
        assertThat(ChallengeIds.isWellFormed("A".repeat(64))).isTrue();
        assertThat(ChallengeIds.isWellFormed("A".repeat(65))).isFalse();
    }
}
