package io.smsotp.config;

import java.time.Duration;

/**
 * sms-dispatcher.
 *
 * @param groupId consumer group shared by every dispatcher worker
 * @param requestTimeout no provider answer within this is a failure
 * @param maxInFlight provider requests one worker keeps open at once
 */
public record DispatcherSettings(String groupId, Duration requestTimeout, Integer maxInFlight) {
    public DispatcherSettings {
        groupId = Settings.orDefault(groupId, "smsotp-sms-dispatcher");
        requestTimeout = Settings.positive("dispatcher.requestTimeout", requestTimeout, Duration.ofSeconds(5));
        maxInFlight = Settings.atLeast("dispatcher.maxInFlight", maxInFlight, 64, 1);
    }

    public static DispatcherSettings defaults() {
        return new DispatcherSettings(null, null, null);
    }
}
