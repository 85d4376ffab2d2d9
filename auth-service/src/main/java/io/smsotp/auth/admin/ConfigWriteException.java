package io.smsotp.auth.admin;

/** Why a change of the live configuration was not made; nothing of it was written. */
public final class ConfigWriteException extends RuntimeException {

    /** What the admin API answers for each reason. */
    public enum Reason {
        /** The entry does not exist (404). */
        NOT_FOUND(404),
        /** The entry exists already (409). */
        EXISTS(409),
        /** The entry changed since the version the caller read ({@code If-Match}; 412). */
        STALE(412),
        /** Another instance wrote at the same moment; try again (409). */
        CONCURRENT(409),
        /** The topic cannot be written or read now (503). */
        UNAVAILABLE(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public ConfigWriteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ConfigWriteException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
