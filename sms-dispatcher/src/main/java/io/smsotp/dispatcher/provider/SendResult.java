package io.smsotp.dispatcher.provider;

import io.smsotp.events.Delivery;
import java.util.Objects;

/**
 * What one attempt to hand an SMS to a provider came to. Like Retrofit's {@code Response} versus
 * {@code onFailure}, an HTTP answer (any status) is kept apart from no answer at all: the first
 * carries {@code httpStatus}, the second has it null.
 *
 * @param delivery {@link Delivery#SENT} or {@link Delivery#FAILED}
 * @param provider the provider tried, or null when none was
 * @param httpStatus the provider's status code, or null when it did not answer
 * @param reason why it failed, null when sent; never holds a number, text or credential
 */
public record SendResult(Delivery delivery, String provider, Integer httpStatus, String reason) {

    public SendResult {
        Objects.requireNonNull(delivery, "delivery");
        if (delivery == Delivery.QUEUED) {
            throw new IllegalArgumentException("a send result is SENT or FAILED");
        }
        if (delivery == Delivery.FAILED) {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static SendResult sent(String provider, int httpStatus) {
        return new SendResult(Delivery.SENT, provider, httpStatus, null);
    }

    /** The provider answered, but not with a success code. */
    public static SendResult rejected(String provider, int httpStatus) {
        return new SendResult(Delivery.FAILED, provider, httpStatus, "HTTP " + httpStatus + " from " + provider);
    }

    /** No HTTP answer (network failure, timeout), or the request could not be made. */
    public static SendResult failed(String provider, String reason) {
        return new SendResult(Delivery.FAILED, provider, null, reason);
    }

    public boolean isSent() {
        return delivery == Delivery.SENT;
    }

    /** The provider answered with an HTTP status (whatever it was). */
    public boolean answered() {
        return httpStatus != null;
    }
}
