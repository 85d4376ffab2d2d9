package io.smsotp.events;

import java.time.Instant;

/**
 * The dispatcher's report on one send request, keyed by challenge id on {@link Topics#SMS_STATUS}.
 *
 * @param provider the provider that answered last, or null when none was tried
 * @param httpStatus the provider's HTTP status, or null when there was no answer
 * @param reason why it failed, or null when sent
 */
public record SmsStatus(String messageId, String challengeId, Delivery delivery, String provider,
                        Integer httpStatus, String reason, Instant at) {
}
