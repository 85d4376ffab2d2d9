package io.smsotp.dispatcher.consumer;

import io.smsotp.events.SmsRequest;
import io.smsotp.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a send request from a raw record, or says why it cannot be used. */
final class SendRequests {

    private static final Deserializer<SmsRequest> DESERIALIZER = Topics.SMS_OUTBOUND.valueSerde().deserializer();

    private SendRequests() {
    }

    /** The request, with the ids every report needs. */
    static SmsRequest parse(ConsumerRecord<byte[], byte[]> record) throws BadRecordException {
        if (record.value() == null) {
            throw new BadRecordException("the record has no value");
        }
        SmsRequest request;
        try {
            request = DESERIALIZER.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            // JsonSerde's message names the type and the parse error, never the payload (it holds the code)
            throw new BadRecordException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (request == null) {
            throw new BadRecordException("the record's value is empty");
        }
        if (blank(request.messageId())) {
            throw new BadRecordException("the SmsRequest has no messageId");
        }
        if (blank(request.challengeId())) {
            // the report is keyed by challenge id: without one it cannot reach the challenge
            throw new BadRecordException("the SmsRequest has no challengeId");
        }
        return request;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
