package io.smsotp.stream.limit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The send limits' answer to one send: refused by the first limit that is full (and then nothing
 * is counted anywhere), or granted with the send counted under every limit. Decided in one step,
 * in the challenge's own task, so there is no reservation to give back when a later limit refuses.
 *
 * @param refusedBy the refusing limit's name, or null when granted
 * @param retryAt when the refusing limit has room again, or null when granted
 * @param counted when granted: each limit's window with this send in it, to be stored
 */
public record SendVerdict(String refusedBy, Instant retryAt, Map<String, SendWindow> counted) {

    public SendVerdict {
        counted = Map.copyOf(counted);
    }

    public boolean granted() {
        return refusedBy == null;
    }

    /**
     * @param checks the limits in the order they are asked (the first full one refuses)
     * @param stored a limit key's stored window, or null when it has none
     * @param now epoch millis
     */
    public static SendVerdict decide(List<LimitCheck> checks, Function<String, SendWindow> stored, long now) {
        Map<String, SendWindow> counted = new LinkedHashMap<>();
        for (LimitCheck check : checks) {
            long window = check.window().toMillis();
            SendWindow saved = stored.apply(check.key());
            SendWindow current = (saved == null ? SendWindow.empty(window) : saved).at(now, window);
            Long retryAt = current.retryAt(check.max());
            if (retryAt != null) {
                return new SendVerdict(check.limit(), Instant.ofEpochMilli(retryAt), Map.of());
            }
            counted.put(check.key(), current.plus(now));
        }
        return new SendVerdict(null, null, counted);
    }
}
