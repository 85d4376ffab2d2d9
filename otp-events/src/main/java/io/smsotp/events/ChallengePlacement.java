package io.smsotp.events;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a challenge lives: on the partition of its recipient number. A challenge id is chosen so
 * that Kafka's default partitioner, which every producer of a challenge's records uses (auth-service
 * for commands, the dispatcher for delivery reports, Streams for its outputs), puts it on the
 * partition that the number itself would go to. Every challenge to one number then meets in one
 * otp-stream task, which counts the per-number send limit beside the challenges, with no trip
 * through Kafka to ask a limiter elsewhere.
 *
 * <p>The id stays 128 random bits (base64url, 22 characters): candidates are drawn until one lands
 * on the number's partition, about {@code partitions} draws on average. An id says which of the
 * partitions its number hashes to (a few bits of a public hash), nothing more of the number.
 */
public final class ChallengePlacement {

    static final int RANDOM_BYTES = 16;
    /** A bound that no fair draw reaches (the chance per draw is 1/partitions). */
    private static final int MAX_DRAWS = 1_000_000;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private ChallengePlacement() {
    }

    /** The partition Kafka's default partitioner gives a record keyed by {@code key} (a String key). */
    public static int partitionOf(String key, int partitions) {
        requirePartitions(partitions);
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partition where every challenge to {@code e164} lives. */
    public static int partitionOfNumber(String e164, int partitions) {
        return partitionOf(Objects.requireNonNull(e164, "e164"), partitions);
    }

    /** Whether a challenge with this id, sent to this number, sits where the number's other challenges do. */
    public static boolean isPlaced(String challengeId, String e164, int partitions) {
        return partitionOf(challengeId, partitions) == partitionOfNumber(e164, partitions);
    }

    /** A fresh unguessable id placed nowhere in particular (a notice's, which no limit counts). */
    public static String randomId(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** A fresh unguessable id for a challenge to {@code e164}, placed on its number's partition. */
    public static String newId(SecureRandom random, String e164, int partitions) {
        int target = partitionOfNumber(e164, partitions);
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            String id = randomId(random);
            if (partitionOf(id, partitions) == target) {
                return id;
            }
        }
        throw new IllegalStateException("no id placed on partition " + target + " of " + partitions
                + " in " + MAX_DRAWS + " draws: the random source is broken");
    }

    private static void requirePartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }
}
