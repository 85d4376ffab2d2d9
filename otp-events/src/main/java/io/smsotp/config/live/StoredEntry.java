package io.smsotp.config.live;

import java.time.Instant;

/**
 * An entry of {@code smsotp.config} as it is on the topic: what a reader needs to order and
 * version it in the clear, the body sealed ({@link io.smsotp.events.ConfigCipher}).
 */
record StoredEntry(long version, int position, Instant updatedAt, String updatedBy, String sealed) {
}
