package io.smsotp.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP SMS provider. {@code $ctx.num} (recipient) and {@code $ctx.msg} (text) may stand in
 * the URL, header values and payload; the dispatcher encodes each for where it stands.
 *
 * @param method GET or POST
 * @param payload the request body for POST, or null
 * @param successCodes HTTP statuses that mean accepted; empty means 200, 201 or 202
 */
public record ProviderConfig(String name, String url, String method, Map<String, String> headers, String payload,
                             List<Integer> successCodes) {

    public static final List<Integer> DEFAULT_SUCCESS_CODES = List.of(200, 201, 202);

    public ProviderConfig {
        Settings.nonBlank("name", name);
        Settings.httpUrl("url", url);
        method = Settings.orDefault(method, payload == null ? "GET" : "POST").toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new IllegalArgumentException("method must be GET or POST, was " + method);
        }
        if (method.equals("GET") && payload != null) {
            throw new IllegalArgumentException("payload is for POST; method is GET");
        }
        headers = headers == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(headers));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().isBlank() || !h.getKey().chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new IllegalArgumentException("headers has a bad header name: '" + h.getKey() + "'");
            }
            if (h.getValue() == null || h.getValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("headers." + h.getKey() + " must be one line of text");
            }
        }
        successCodes = successCodes == null || successCodes.isEmpty() ? DEFAULT_SUCCESS_CODES : List.copyOf(successCodes);
        for (int code : successCodes) {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("successCodes must hold HTTP statuses 100..599, held " + code);
            }
        }
    }

    /** The header's value, matched case-insensitively as HTTP does, or null. */
    public String header(String headerName) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(headerName))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        // header values often hold credentials
        return "ProviderConfig[name=" + name + ", method=" + method + ", headers=" + headers.keySet() + "]";
    }
}
