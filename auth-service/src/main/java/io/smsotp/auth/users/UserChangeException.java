package io.smsotp.auth.users;

/** Why the operator's change of a user was not made; nothing of it was written. */
public final class UserChangeException extends RuntimeException {

    /** What the admin API answers for each reason (the same codes as the configuration's). */
    public enum Reason {
        /** No such user (404). */
        NOT_FOUND(404),
        /** A user of that name (in any case) exists already (409). */
        EXISTS(409),
        /** The profile changed since the version the caller read ({@code If-Match}; 412). */
        STALE(412),
        /** Another change of this user held it too long; try again (409). */
        CONCURRENT(409);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public UserChangeException(Reason reason, String message) {
        // no stack trace: an expected answer
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
