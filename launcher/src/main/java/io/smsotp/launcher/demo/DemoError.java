package io.smsotp.launcher.demo;

/**
 * A login that cannot go on, told to the user as an error page. Routes throw it; the app maps it to
 * HTML in one place, so no handler catches and no stack trace reaches the browser.
 *
 * @param status      the HTTP status of the page
 * @param title       a short headline
 * @param detail      what happened and what the user can do, in plain words
 * @param oauthError  the OAuth 2.0 error code ({@code access_denied}, {@code invalid_grant}, ...), or null
 * @param description the OAuth 2.0 error description from the issuer, or null
 * @param retry       whether to offer "Try again" (a new login)
 */
record DemoError(int status, String title, String detail, String oauthError, String description, boolean retry) {

    static DemoError of(int status, String title, String detail) {
        return new DemoError(status, title, detail, null, null, true);
    }

    /** The unchecked form routes throw. */
    RuntimeException asException() {
        return new Failure(this);
    }

    static final class Failure extends RuntimeException {
        private final DemoError error;

        Failure(DemoError error) {
            // no stack trace: this is an expected outcome shown to the user, not a bug
            super(error.title(), null, false, false);
            this.error = error;
        }

        DemoError error() {
            return error;
        }
    }
}
