package io.smsotp.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** maxPending: the partitions pause before a poll could take the worker past it. */
class BackPressureTest {

    static final TopicPartition TP0 = OffsetsTest.TP0;
    static final TopicPartition TP1 = OffsetsTest.TP1;

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    /** maxPending 10, a poll brings up to 4. */
    final BackPressure backPressure = new BackPressure(consumer, 10, 4);

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP0));
    }

    @Test
    void isFullWhenOnePollMoreCouldPassMaxPending() {
        assertThat(BackPressure.full(6, 4, 10)).isFalse();
        assertThat(BackPressure.full(7, 4, 10)).isTrue();
        assertThat(BackPressure.full(0, 64, 1000)).isFalse();
    }

    @Test
    void pausesBeforeAPollCouldPassMaxPendingAndResumesWhenThereIsRoom() {
        backPressure.apply(6);
        assertThat(consumer.paused()).isEmpty();

        backPressure.apply(7);
        assertThat(backPressure.paused()).isTrue();
        assertThat(consumer.paused()).containsExactly(TP0);

        backPressure.apply(10);
        assertThat(consumer.paused()).containsExactly(TP0);

        backPressure.apply(6);
        assertThat(backPressure.paused()).isFalse();
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void partitionsAssignedWhileFullStartPaused() {
        backPressure.apply(9);
        consumer.assign(List.of(TP0, TP1));

        backPressure.assigned(List.of(TP1));

        assertThat(consumer.paused()).contains(TP1);
    }

    @Test
    void partitionsAssignedWithRoomAreRead() {
        backPressure.apply(0);
        consumer.assign(List.of(TP0, TP1));

        backPressure.assigned(List.of(TP1));

        assertThat(consumer.paused()).isEmpty();
    }
}
