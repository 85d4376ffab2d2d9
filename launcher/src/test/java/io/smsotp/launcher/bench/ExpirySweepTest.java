package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The expiry-sweep benchmark, with tiny numbers: its table, and every expiry announced. */
class ExpirySweepTest {

    @Test
    void announcesEveryExpiredChallengeAndPurgesEachOneRetentionLater() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ExpirySweep bench = new ExpirySweep(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3, 50);

        bench.run(2_000, List.of(100));
        bench.printTable();

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("loaded 2,000 live challenges", "RocksDB state dir", "load average",
                "a task starting on them indexes 2,000 challenges for the sweep in ");
        List<String[]> table = Arrays.stream(output.split("\n")).filter(l -> l.startsWith("| ") && !l.startsWith("| phase"))
                .map(l -> l.substring(2, l.length() - 2).split(" \\| ")).toList();
        assertThat(table).extracting(r -> r[0]).containsExactly("empty sweep", "expire", "expire the live ones",
                "empty sweep, live ones expired", "purge", "purge the live ones");
        assertThat(table).allSatisfy(r -> assertThat(r).hasSize(9));
        // the expired or purged column against what the events (ChallengeExpired) and the store showed
        assertThat(table).extracting(r -> r[7] + " of " + r[2]).containsExactly("0 of 0", "100 of 100",
                "2,000 of 2,000", "0 of 0", "100 of 100", "2,000 of 2,000");
        assertThat(table).extracting(r -> r[1]).containsExactly("2,000", "2,000", "0", "2,000", "2,000", "0");
    }
}
