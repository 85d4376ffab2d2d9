package io.smsotp.auth.challenge;

/**
 * This instance is stopping and will not wait for the reply any longer: HTTP 503, and another
 * instance (behind the load balancer) can take the retry.
 */
public class StoppingException extends CommandsUnavailableException {
    public StoppingException() {
        super("auth-service is stopping");
    }
}
