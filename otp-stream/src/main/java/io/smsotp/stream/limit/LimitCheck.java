package io.smsotp.stream.limit;

import java.time.Duration;

/**
 * One limit a send must pass: at most {@code max} sends under {@code key} in any {@code window}.
 *
 * @param limit the limit's name as the refusal states it: {@code per_number}, {@code per_app}, {@code per_ip}
 * @param key the store key, from {@link LimitKeys}
 */
public record LimitCheck(String limit, String key, int max, Duration window) {
}
