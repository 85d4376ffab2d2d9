package io.smsotp.auth.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An answer other than success, thrown by a handler and turned into
 * {@code {"error": ..., "message": ...}} (plus any extra fields) by {@link ErrorMapping}.
 * Messages are shown to clients: they must never hold a code, an API key or a full number.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final Map<String, Object> extraFields;
    private final Map<String, String> headers;

    public ApiException(int status, String error, String message, Map<String, Object> extraFields,
                        Map<String, String> headers) {
        // no stack trace: these are expected answers, thrown once per bad request
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.error = Objects.requireNonNull(error, "error");
        this.extraFields = Map.copyOf(extraFields);
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, String error, String message) {
        this(status, error, message, Map.of(), Map.of());
    }

    public static ApiException badRequest(String error, String message) {
        return new ApiException(400, error, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException unauthorized(String message, String wwwAuthenticate) {
        return new ApiException(401, "unauthorized", message, Map.of(), Map.of("WWW-Authenticate", wwwAuthenticate));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** Response headers that belong to this answer (e.g. {@code WWW-Authenticate}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The JSON body: error and message first, then the extra fields. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", getMessage());
        extraFields.forEach(body::putIfAbsent);
        return body;
    }
}
