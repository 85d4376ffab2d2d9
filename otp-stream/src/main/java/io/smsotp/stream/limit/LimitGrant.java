package io.smsotp.stream.limit;

import java.time.Instant;

/** A send counted under {@code key} at {@code at}: released again if the send does not happen. */
public record LimitGrant(String limit, String key, Instant at) {
}
