package io.smsotp.dispatcher.consumer;

import static io.smsotp.dispatcher.consumer.DispatchLoopTest.CIPHER;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.NOW;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.TP;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.header;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.record;
import static io.smsotp.dispatcher.consumer.DispatchLoopTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.config.DispatcherSettings;
import io.smsotp.dispatcher.provider.ProviderClient;
import io.smsotp.dispatcher.provider.Sending;
import io.smsotp.dispatcher.provider.SmsSender;
import io.smsotp.events.Delivery;
import io.smsotp.events.SmsRequest;
import io.smsotp.events.SmsStatus;
import io.smsotp.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each record a poll brings: skipped, dead-lettered or sent, and never a crash of the loop. */
class RecordIntakeTest {

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final Offsets offsets = new Offsets();
    final OutcomeReports reports = new OutcomeReports(producer, offsets, clock);
    /** No provider: every request it is given ends at once, failed. */
    final ProviderClient client = new ProviderClient(Duration.ofSeconds(2));
    final SmsSender noProvider = new SmsSender(List.of(), client,
            DispatchLoopTest.settings(16, 100), clock);
    final List<SmsRequest> handedToSender = new ArrayList<>();

    @AfterEach
    void close() {
        noProvider.close();
        client.close();
    }

    /** The partition's state, assigned with no commit on first sight. */
    PartitionOffsets partitionOf(TopicPartition tp) {
        return offsets.get(tp) != null ? offsets.get(tp) : offsets.assign(tp, null);
    }

    RecordIntake intake(Function<SmsRequest, Sending> sender) {
        return new RecordIntake(this::partitionOf, reports, CIPHER, request -> {
            handedToSender.add(request);
            return sender.apply(request);
        });
    }

    RecordIntake intake() {
        return intake(noProvider::deliver);
    }

    List<SmsStatus> statuses() {
        return producer.history().stream().filter(r -> r.topic().equals(Topics.SMS_STATUS.name()))
                .map(r -> Topics.SMS_STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    }

    /** The records of the partition still unfinished, once settled reports are taken in. */
    List<Long> unfinished() {
        offsets.applySettled();
        return offsets.get(TP).open().stream().map(p -> p.offset).toList();
    }

    @Test
    void handsTheOpenedRequestToTheSenderAndReportsItsOutcome() {
        intake().accept(record(0, request("c1")));

        await().atMost(Duration.ofSeconds(10)).until(() -> unfinished().isEmpty());
        assertThat(handedToSender).singleElement().satisfies(r -> assertThat(r.text()).isEqualTo("code 123456"));
        assertThat(statuses()).containsExactly(new SmsStatus("m-c1", "c1", Delivery.FAILED, null, null,
                SmsSender.NO_PROVIDER, NOW));
    }

    @Test
    void skipsARecordThePartitionsPreviousOwnerFinished() {
        // the previous owner committed 0, with 1 finished after it
        offsets.assign(TP, new OffsetAndMetadata(0, OffsetMetadata.encode(new TreeSet<>(List.of(0L)), 2)));

        intake().accept(record(1, request("c-done")));

        assertThat(handedToSender).isEmpty();
        assertThat(producer.history()).isEmpty();
        assertThat(offsets.held()).isZero();
    }

    @Test
    void deadLettersARecordThatIsNoRequestWithoutHandingItOn() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        intake().accept(DispatchLoopTest.record(3, "c-bad", garbage));

        assertThat(handedToSender).isEmpty();
        assertThat(producer.history()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo(Topics.DEAD_LETTER.name());
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("3");
        });
        assertThat(unfinished()).isEmpty();
    }

    @Test
    void neverHandsAPlaintextToTheSender() {
        byte[] plain = Topics.SMS_OUTBOUND.valueSerde().serializer().serialize(TP.topic(), request("c-plain"));

        intake().accept(DispatchLoopTest.record(0, "c-plain", plain));

        assertThat(handedToSender).isEmpty();
        assertThat(producer.history()).extracting(r -> r.topic())
                .containsExactly(Topics.DEAD_LETTER.name(), Topics.SMS_STATUS.name());
        assertThat(statuses()).extracting(SmsStatus::reason).containsExactly(OutcomeReports.NOT_OPENED);
    }

    @Test
    void aSenderThatThrowsIsReportedAsADefectAndTheNextRecordStillGoes() {
        RecordIntake intake = intake(request -> {
            if (request.challengeId().equals("c-boom")) {
                throw new IllegalStateException("a message that quotes " + request.text());
            }
            return noProvider.deliver(request);
        });

        intake.accept(record(0, request("c-boom")));
        intake.accept(record(1, request("c-next")));

        await().atMost(Duration.ofSeconds(10)).until(() -> unfinished().isEmpty());
        assertThat(statuses()).extracting(SmsStatus::challengeId, SmsStatus::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("c-boom", "internal error: IllegalStateException"),
                org.assertj.core.groups.Tuple.tuple("c-next", SmsSender.NO_PROVIDER));
    }

    @Test
    void holdsEveryRecordItStartsUntilItsReportIsAcknowledged() {
        MockProducer<byte[], byte[]> slow = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        RecordIntake intake = new RecordIntake(this::partitionOf, new OutcomeReports(slow, offsets, clock), CIPHER,
                noProvider::deliver);

        intake.accept(record(0, request("c1")));
        intake.accept(record(1, request("c2")));

        await().atMost(Duration.ofSeconds(10)).until(() -> slow.history().size() == 2);
        assertThat(unfinished()).containsExactly(0L, 1L);
        slow.completeNext();
        assertThat(unfinished()).containsExactly(1L);
    }
}
