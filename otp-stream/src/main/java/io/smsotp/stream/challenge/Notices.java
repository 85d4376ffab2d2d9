package io.smsotp.stream.challenge;

import io.smsotp.events.OtpCommand;
import io.smsotp.events.SmsRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Notices: an SMS of a given text and no code ({@link OtpCommand.SendNotice}). Nothing is stored
 * for one, and it does not pass the send limits: auth-service sends a notice only after a change
 * the user proved with a code, whose own send passed them, so notices are never more than the
 * codes before them.
 */
final class Notices {

    /** A notice late by more than this tells of something long past: the dispatcher drops it. */
    static final Duration LIFETIME = Duration.ofHours(1);

    private Notices() {
    }

    /** What makes {@code notice} impossible to send, or null. */
    static String problemWith(OtpCommand.SendNotice notice) {
        if (!CommandCheck.isE164(notice.to())) {
            return "to must be a number in E.164";
        }
        if (notice.text() == null || notice.text().isBlank()) {
            return "text is required";
        }
        if (notice.text().length() > OtpCommand.SendNotice.MAX_TEXT) {
            return "text is longer than " + OtpCommand.SendNotice.MAX_TEXT + " characters";
        }
        return null;
    }

    /** The send request of {@code notice}, as a new message named by its own id. */
    static SmsRequest request(OtpCommand.SendNotice notice, Instant now) {
        return new SmsRequest(UUID.randomUUID().toString(), notice.challengeId(), notice.appId(), notice.to(),
                notice.text(), now.plus(LIFETIME));
    }
}
