package io.smsotp.auth.admin;

import io.smsotp.config.live.LiveConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the admin API and the console change, without HTTP: providers, applications, send limits,
 * test SMS and the audit log.
 */
public record AdminServices(ProviderAdmin providers, AppAdmin apps, RateLimitAdmin rateLimits, ProviderTester tester,
                            AuditTrail audit) implements AutoCloseable {

    public AdminServices {
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(apps, "apps");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(tester, "tester");
        Objects.requireNonNull(audit, "audit");
    }

    /**
     * @param live the configuration now, as {@code writer}'s follower reads it
     * @param providerTimeout how long a test SMS waits for the provider
     */
    public static AdminServices of(ConfigWriter writer, Supplier<LiveConfig> live, AuditTrail audit,
                                   Duration providerTimeout, Clock clock) {
        LiveEntries entries = new LiveEntries(writer, live);
        return new AdminServices(new ProviderAdmin(entries), new AppAdmin(entries, clock), new RateLimitAdmin(entries),
                new ProviderTester(providerTimeout, clock), audit);
    }

    /** Ends the test SMS client's threads. */
    @Override
    public void close() {
        tester.close();
    }
}
