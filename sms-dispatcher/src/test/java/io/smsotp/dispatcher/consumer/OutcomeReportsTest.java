package io.smsotp.dispatcher.consumer;

import static io.smsotp.dispatcher.consumer.DispatchLoopTest.NOW;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.TP;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.header;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.record;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.dispatcher.provider.Attempt;
import io.smsotp.dispatcher.provider.DeliveryOutcome;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What is produced about a record, and that it is finished only once the brokers have all of it. */
class OutcomeReportsTest {

    /** Acknowledges only when told to. */
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    final Offsets offsets = new Offsets();
    final OutcomeReports reports = new OutcomeReports(producer, offsets, Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofMillis(20));
    final PartitionOffsets partition = offsets.assign(TP, null);
    final SmsRequest request = request("c1");
    final ConsumerRecord<byte[], byte[]> record = record(0, request);

    Pending pending() {
        Pending pending = new Pending(partition, 0);
        partition.read(0, pending);
        return pending;
    }

    static SmsStatus status(ProducerRecord<byte[], byte[]> r) {
        assertThat(r.topic()).isEqualTo(Topics.SMS_STATUS.name());
        return Topics.SMS_STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    static DeliveryOutcome gaveUp() {
        Attempt tried = new Attempt("primary", Attempt.Kind.PERMANENT, 400, "HTTP 400 from primary", null, NOW);
        return new DeliveryOutcome(Delivery.FAILED, "primary", 400, "no provider could send it: HTTP 400 from primary",
                List.of(tried));
    }

    @Test
    void aSentRecordIsFinishedOnlyOnceItsReportIsAcknowledged() {
        Pending pending = pending();

        reports.delivered(pending, record, request, new DeliveryOutcome(Delivery.SENT, "primary", 200, null, List.of()));

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
            assertThat(status(r)).isEqualTo(new SmsStatus("m-c1", "c1", Delivery.SENT, "primary", 200, null, NOW));
        });
        assertThat(pending.settled).isNotDone();

        producer.completeNext();

        assertThat(pending.settled).isCompletedWithValue(true);
        offsets.applySettled();
        assertThat(partition.open()).isEmpty();
    }

    @Test
    void whenTheProvidersGaveUpTheSealedRecordIsDeadLetteredWithItsTriesAndReported() {
        Pending pending = pending();

        reports.delivered(pending, record, request, gaveUp());

        assertThat(producer.history()).hasSize(2);
        ProducerRecord<byte[], byte[]> dead = producer.history().get(0);
        assertThat(dead.topic()).isEqualTo(Topics.DEAD_LETTER.name());
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(header(dead, DeadLetters.ERROR)).isEqualTo("no provider could send it: HTTP 400 from primary");
        assertThat(header(dead, DeadLetters.ATTEMPTS)).contains("\"kind\":\"permanent\"");
        assertThat(status(producer.history().get(1)).delivery()).isEqualTo(Delivery.FAILED);

        producer.completeNext();
        assertThat(pending.settled).as("the dead letter alone is not enough").isNotDone();
        producer.completeNext();
        assertThat(pending.settled).isCompletedWithValue(true);
    }

    @Test
    void aReportTheBrokersRefusedIsMadeAgainUntilItIsAcknowledged() {
        Pending pending = pending();
        reports.delivered(pending, record, request, new DeliveryOutcome(Delivery.SENT, "primary", 200, null, List.of()));

        producer.errorNext(new KafkaException("brokers unreachable"));

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(pending.settled).isNotDone();
        assertThat(status(producer.history().get(1))).isEqualTo(status(producer.history().get(0)));
        producer.completeNext();
        assertThat(pending.settled).isCompletedWithValue(true);
    }

    @Test
    void aRefusedReportOfARecordWhosePartitionMovedOnIsLeftToTheNextOwner() {
        Pending pending = pending();
        reports.delivered(pending, record, request, new DeliveryOutcome(Delivery.SENT, "primary", 200, null, List.of()));
        pending.abandon();

        producer.errorNext(new KafkaException("brokers unreachable"));

        assertThat(pending.settled).isCompletedWithValue(false);
        // for longer than the retry delay: nothing more comes
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> producer.history().size() == 1);
        offsets.applySettled();
        assertThat(partition.open()).containsExactly(pending);
    }

    @Test
    void aTextThatDoesNotOpenIsDeadLetteredAsItCameAndReportedFailed() {
        Pending pending = pending();

        reports.unopened(pending, record, request, "the sealed SMS text does not open");

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly(Topics.DEAD_LETTER.name(), Topics.SMS_STATUS.name());
        assertThat(status(producer.history().get(1))).isEqualTo(new SmsStatus("m-c1", "c1", Delivery.FAILED, null, null,
                OutcomeReports.NOT_OPENED, NOW));
    }

    @Test
    void aDefectIsReportedByItsTypeOnlyAndWithoutIdsDeadLettered() {
        IllegalStateException defect = new IllegalStateException("could quote code 123456");

        reports.internalError(pending(), record, request, defect);
        reports.internalError(pending(), record, null, defect);

        assertThat(status(producer.history().get(0)).reason()).isEqualTo("internal error: IllegalStateException");
        assertThat(producer.history().get(1).topic()).isEqualTo(Topics.DEAD_LETTER.name());
        assertThat(header(producer.history().get(1), DeadLetters.ERROR)).isEqualTo("internal error: IllegalStateException");
    }

    @Test
    void anAbandonedRecordIsSettledUnfinishedWithNothingProduced() {
        Pending pending = pending();

        reports.abandoned(pending);

        assertThat(pending.settled).isCompletedWithValue(false);
        assertThat(producer.history()).isEmpty();
    }
}
