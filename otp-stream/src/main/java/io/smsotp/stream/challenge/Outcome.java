package io.smsotp.stream.challenge;

import io.smsotp.events.OtpEvent;
import io.smsotp.events.SmsRequest;
import io.smsotp.stream.limit.SendVerdict;
import java.util.List;

/**
 * What one input did to a challenge: the state to store, the events to publish, the SMS to
 * send, the sends to count. The writer applies it as one unit (Streams commits it in one
 * transaction); nothing here has been applied yet.
 *
 * @param saved the challenge's new state, or null when it did not change
 * @param events the outcomes to publish, in order
 * @param sms the SMS to send (in plaintext: the writer seals it), or null
 * @param counted a granted send to count under its limits, or null
 */
public record Outcome(ChallengeRecord saved, List<OtpEvent> events, SmsRequest sms, SendVerdict counted) {

    public Outcome {
        events = List.copyOf(events);
    }

    /** Only an answer: nothing stored, sent or counted. */
    static Outcome answer(OtpEvent event) {
        return new Outcome(null, List.of(event), null, null);
    }
}
