package io.smsotp.dispatcher.consumer;

/** A record on sms.outbound that is not a usable send request; it goes to the dead-letter topic. */
final class BadRecordException extends Exception {
    BadRecordException(String message) {
        super(message);
    }
}
