package io.smsotp.dispatcher.provider;

import io.smsotp.config.ProviderConfig;
import io.smsotp.events.SmsRequest;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers one send request through the configured providers, in their configured order.
 *
 * <p>This version tries the first provider once. Retries with backoff and failover to the next
 * provider belong here: {@link #attempt} takes the provider's index so the list can be walked.
 */
public final class SmsSender {

    public static final String NO_PROVIDER = "no provider configured";
    public static final String EXPIRED = "challenge expired before sending";

    private final List<ProviderConfig> providers;
    private final ProviderClient client;
    private final Clock clock;

    public SmsSender(List<ProviderConfig> providers, ProviderClient client, Clock clock) {
        this.providers = List.copyOf(Objects.requireNonNull(providers, "providers"));
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The outcome of delivering {@code request}; never completes exceptionally. */
    public CompletableFuture<SendResult> deliver(SmsRequest request) {
        if (providers.isEmpty()) {
            return CompletableFuture.completedFuture(SendResult.failed(null, NO_PROVIDER));
        }
        if (request.expiresAt() != null && !clock.instant().isBefore(request.expiresAt())) {
            // the code in it can no longer be used: sending it would only cost money and confuse the user
            return CompletableFuture.completedFuture(SendResult.failed(null, EXPIRED));
        }
        return attempt(request, 0);
    }

    private CompletableFuture<SendResult> attempt(SmsRequest request, int index) {
        return client.send(providers.get(index), request);
    }

    public List<ProviderConfig> providers() {
        return providers;
    }
}
