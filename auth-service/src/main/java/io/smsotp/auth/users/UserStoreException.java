package io.smsotp.auth.users;

/** The database failed; the message names the operation, the cause holds the driver's error. */
public final class UserStoreException extends RuntimeException {
    public UserStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
