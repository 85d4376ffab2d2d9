package io.smsotp.auth.login;

import java.net.URI;
import java.util.Objects;

/**
 * A login step that cannot go on, as the page the browser gets: the status, a title and a
 * message, and where the login ended, the way back to the application. Steps throw it;
 * {@link LoginErrors} alone turns it into HTML. It carries no stack: it is an answer, not a fault.
 */
public final class LoginException extends RuntimeException {

    private final int status;
    private final String title;
    private final String appName;
    private final URI returnTo;
    private final boolean ended;
    private final Integer retryAfterSeconds;

    private LoginException(int status, String title, String message, String appName, URI returnTo, boolean ended,
                           Integer retryAfterSeconds) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.title = Objects.requireNonNull(title, "title");
        this.appName = appName;
        this.returnTo = returnTo;
        this.ended = ended;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The context did not open: tampered, expired, or from another browser. */
    static LoginException expired() {
        return new LoginException(400, "Your sign-in has expired", "This sign-in has expired or was started in "
                + "another browser. Go back to the application and sign in again.", null, null, false, null);
    }

    /** The form's CSRF token does not belong to the context. */
    static LoginException forgedForm() {
        return new LoginException(403, "The form could not be checked", "The form was not sent by this sign-in page. "
                + "Go back to the application and sign in again.", null, null, false, null);
    }

    /** A step that was answered already (a page sent twice, a replay), or a client removed since. */
    static LoginException outOfDate() {
        return new LoginException(400, "This page is out of date", "This sign-in has moved on or is no longer "
                + "possible. Go back to the application and sign in again.", null, null, false, null);
    }

    /** An authorization request that cannot be answered at the client (unknown client or redirect URI). */
    static LoginException invalidRequest(String description) {
        return new LoginException(400, "This sign-in link is not valid", "The application sent an invalid sign-in "
                + "request (" + description + "). Go back to the application and try again.", null, null, false, null);
    }

    /** A request whose body or form could not be read. */
    public static LoginException unreadable() {
        return new LoginException(400, "The form could not be read", "The browser sent a form this page cannot read. "
                + "Go back to the application and sign in again.", null, null, false, null);
    }

    /** Too much at once (password checks, pending calls): the browser may try again shortly. */
    static LoginException busy(String message) {
        return new LoginException(503, "Please try again", message, null, null, false, 2);
    }

    /** A fault of ours; the details are in the log. */
    public static LoginException internal() {
        return new LoginException(500, "Something went wrong", "The sign-in could not go on. Go back to the "
                + "application and try again.", null, null, false, null);
    }

    /**
     * The login is over: the page says why and links back to the application at {@code returnTo}
     * (which carries the OAuth error), and the browser binding is cleared.
     */
    static LoginException ended(int status, String title, String message, String appName, URI returnTo) {
        return new LoginException(status, title, message, appName, returnTo, true, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String appName() {
        return appName;
    }

    /** The way back to the application, or null when the application cannot be trusted with one. */
    public URI returnTo() {
        return returnTo;
    }

    /** Whether the login ended here (its binding cookie is then cleared). */
    public boolean ended() {
        return ended;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
