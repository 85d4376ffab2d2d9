package io.smsotp.dispatcher.provider;

/**
 * The provider request cannot be made from this configuration and send request. The message
 * names where (url, payload, a header's name) and which placeholder, never a value: values hold
 * phone numbers, codes and credentials.
 */
public final class RenderException extends RuntimeException {
    public RenderException(String message) {
        super(message);
    }
}
