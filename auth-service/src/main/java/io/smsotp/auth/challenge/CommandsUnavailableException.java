package io.smsotp.auth.challenge;

/** The single writer did not answer in time, or the command could not be published: HTTP 503. */
public class CommandsUnavailableException extends RuntimeException {
    public CommandsUnavailableException(String message) {
        super(message);
    }

    public CommandsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
