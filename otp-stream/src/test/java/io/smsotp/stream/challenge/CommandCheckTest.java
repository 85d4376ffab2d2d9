package io.smsotp.stream.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.ChallengePlacement;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpPolicy;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class CommandCheckTest {

    private static final String TO = "+15551234567";
    private static final int PARTITIONS = 6;

    private static OtpCommand.CreateChallenge create(String id) {
        return new OtpCommand.CreateChallenge(id, "demo", "Demo", TO, OtpPolicy.DEFAULT, null, "r", "auth-1");
    }

    @Test
    void aCreateWhoseIdIsPlacedOnItsNumbersPartitionPasses() {
        String id = ChallengePlacement.newId(new SecureRandom(), TO, PARTITIONS);

        assertThat(CommandCheck.problemWith(id, create(id), PARTITIONS)).isNull();
    }

    @Test
    void aCreateWhoseIdLandsElsewhereIsRefusedSinceItsSendsWouldBeCountedApart() {
        String id = "an-id-on-another-partition-0";
        for (int i = 1; ChallengePlacement.isPlaced(id, TO, PARTITIONS); i++) {
            id = "an-id-on-another-partition-" + i;
        }

        assertThat(CommandCheck.problemWith(id, create(id), PARTITIONS)).contains("number's partition");
        // with one partition every id is where every number is
        assertThat(CommandCheck.problemWith(id, create(id), 1)).isNull();
    }

    @Test
    void aCommandKeyedByAnythingButItsChallengeIdIsRefused() {
        assertThat(CommandCheck.problemWith("other", create("c-1"), 1)).contains("record key");
    }
}
