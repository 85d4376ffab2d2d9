package io.smsotp.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ChallengePlacementTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void placesEveryIdOnItsNumbersPartitionAsKafkasDefaultPartitionerDoes() {
        for (int partitions : List.of(1, 3, 12, 64)) {
            for (int n = 0; n < 50; n++) {
                String number = "+1555000" + String.format("%04d", n);
                String id = ChallengePlacement.newId(random, number, partitions);

                int kafka = BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions);
                assertThat(kafka).isEqualTo(ChallengePlacement.partitionOfNumber(number, partitions));
                assertThat(ChallengePlacement.isPlaced(id, number, partitions)).isTrue();
            }
        }
    }

    @Test
    void idsStayUnguessableAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = ChallengePlacement.newId(random, "+15551234567", 12);
            assertThat(id).matches("[A-Za-z0-9_-]{22}");
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void numbersSpreadOverThePartitions() {
        Set<Integer> used = new HashSet<>();
        for (int n = 0; n < 200; n++) {
            used.add(ChallengePlacement.partitionOfNumber("+1555000" + String.format("%04d", n), 8));
        }
        assertThat(used).hasSize(8);
    }

    @Test
    void refusesAPartitionCountBelowOne() {
        assertThatThrownBy(() -> ChallengePlacement.partitionOf("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
