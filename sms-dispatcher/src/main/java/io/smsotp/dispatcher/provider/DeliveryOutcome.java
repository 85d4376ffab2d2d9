package io.smsotp.dispatcher.provider;

import io.smsotp.events.Delivery;
import java.util.List;
import java.util.Objects;

/**
 * How delivering one send request ended, after every try of every provider.
 *
 * @param delivery {@link Delivery#SENT}, {@link Delivery#FAILED} or {@link Delivery#DROPPED}
 * @param provider the provider that sent it, or that was tried last; null when none was tried
 * @param httpStatus that provider's last status, or null when it did not answer (or none was tried)
 * @param reason null when sent; otherwise why not, summarising the last tries (value-free)
 * @param attempts every try in order, circuit-open skips included; empty when no provider was tried
 */
public record DeliveryOutcome(Delivery delivery, String provider, Integer httpStatus, String reason,
                              List<Attempt> attempts) {

    public DeliveryOutcome {
        Objects.requireNonNull(delivery, "delivery");
        if (delivery == Delivery.QUEUED) {
            throw new IllegalArgumentException("an outcome is SENT, FAILED or DROPPED");
        }
        if (delivery != Delivery.SENT) {
            Objects.requireNonNull(reason, "reason");
        }
        attempts = List.copyOf(attempts);
    }

    /** Not sent, although at least one provider was tried: the case for the dead-letter topic. */
    public boolean providersGaveUp() {
        return delivery != Delivery.SENT && !attempts.isEmpty();
    }
}
