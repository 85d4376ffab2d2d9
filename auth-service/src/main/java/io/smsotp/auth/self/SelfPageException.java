package io.smsotp.auth.self;

import java.util.Objects;

/**
 * A request to smsotp's own pages that cannot be answered as asked, as the page the browser
 * gets: status, title, message and a way on. Handlers throw it; {@link SelfErrors} alone turns it
 * into HTML. No stack: it is an answer, not a fault.
 *
 * @see SelfErrors
 */
public final class SelfPageException extends RuntimeException {

    private final int status;
    private final String title;
    private final String linkHref;
    private final String linkText;

    public SelfPageException(int status, String title, String message, String linkHref, String linkText) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.title = Objects.requireNonNull(title, "title");
        this.linkHref = linkHref;
        this.linkText = linkText;
    }

    /** The sign-in's answer could not be checked: no sign-in cookie, another state, an expired or used code. */
    static SelfPageException signInExpired(SelfClient client) {
        return new SelfPageException(400, "Your sign-in has expired", "This sign-in expired or was started in "
                + "another browser. Sign in again.", client.signInPath(), "Sign in again");
    }

    /** The hosted login ended without signing the user in (cancelled, locked, refused). */
    static SelfPageException notSignedIn(SelfClient client) {
        return new SelfPageException(403, "You are not signed in", "The sign-in was cancelled or refused.",
                client.signInPath(), "Sign in again");
    }

    /** The user lacks the area's role. */
    static SelfPageException roleMissing(SelfClient client) {
        return new SelfPageException(403, "Access denied", "Your account does not have the " + client.requiredRole()
                + " role this area needs. Ask an administrator.", null, null);
    }

    /** A form without this session's CSRF token. */
    static SelfPageException forgedForm(SelfClient client) {
        return new SelfPageException(403, "The form could not be checked", "The form was not sent by this page. "
                + "Go back and try again.", client.basePath(), "Back");
    }

    /** A POST whose body is not a form that parses. */
    static SelfPageException unreadable(SelfClient client) {
        return new SelfPageException(400, "The form could not be read", "The browser sent a form this page cannot "
                + "read.", client.basePath(), "Back");
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Where the page's one link goes, or null for none. */
    public String linkHref() {
        return linkHref;
    }

    public String linkText() {
        return linkText;
    }
}
