package io.smsotp.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP SMS provider. {@code $ctx.num} (recipient in E.164), {@code $ctx.msisdn} (the same
 * without {@code +}), {@code $ctx.msg} (text) and {@code $ctx.id} (the send request's unique id)
 * may stand in the URL, header values and payload; the dispatcher encodes each for where it stands.
 * With a {@code preset}, the dispatcher fills in url, method, headers, payload, success codes and
 * body check from {@code credentials} and {@code from} (its {@code ProviderPresets}); the
 * configuration keeps the provider as given.
 *
 * @param method GET or POST
 * @param payload the request body for POST, or null
 * @param successCodes HTTP statuses that mean accepted; empty means 200, 201 or 202
 * @param preset a preset's name (twilio, vonage, bulksms, clickatell, plivo), or null for a provider described in full
 * @param baseUrl with a preset: scheme, host and port to use instead of the provider's own
 * @param credentials with a preset: what it authenticates with (named per preset)
 * @param from with a preset: the sender number or name
 * @param bodyCheck what the answer body must show after the status passed, or null
 * @param maxTries tries of this provider for one message when it fails in a way worth retrying
 *     (no answer, 429, 5xx), before the next provider is tried; default 3
 * @param ratePerSecond sends per second this provider takes (its contract); null means no limit
 */
public record ProviderConfig(String name, String url, String method, Map<String, String> headers, String payload,
                             List<Integer> successCodes, String preset, String baseUrl, Map<String, String> credentials,
                             String from, BodyCheck bodyCheck, Integer maxTries, Integer ratePerSecond) {

    public static final List<Integer> DEFAULT_SUCCESS_CODES = List.of(200, 201, 202);

    public ProviderConfig {
        if (preset != null) {
            if (url != null || payload != null || method != null) {
                throw new IllegalArgumentException("a preset sets url, method and payload itself; give baseUrl,"
                        + " credentials and from instead");
            }
            if (!preset.matches("[a-z][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException("preset must be the name of a preset (twilio, vonage, bulksms,"
                        + " clickatell, plivo), was '" + preset + "'");
            }
            if (baseUrl != null) {
                Settings.httpUrl("baseUrl", baseUrl);
            }
            // the dispatcher fills in the rest (ProviderPresets there); the preset's own codes unless given
            name = Settings.orDefault(name, preset);
            successCodes = successCodes == null ? List.of() : successCodes;
        } else if (baseUrl != null || credentials != null || from != null) {
            throw new IllegalArgumentException("baseUrl, credentials and from go with a preset; without one,"
                    + " put them in url, headers and payload");
        }
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
        maxTries = Settings.atLeast("maxTries", maxTries, 3, 1);
        if (maxTries > 20) {
            throw new IllegalArgumentException("maxTries must be 1..20, was " + maxTries);
        }
        if (ratePerSecond != null && ratePerSecond < 1) {
            throw new IllegalArgumentException("ratePerSecond must be at least 1 (leave it out for no limit), was "
                    + ratePerSecond);
        }
        Settings.nonBlank("name", name);
        if (preset == null) {
            Settings.httpUrl("url", url);
            method = Settings.orDefault(method, payload == null ? "GET" : "POST").toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("POST")) {
                throw new IllegalArgumentException("method must be GET or POST, was " + method);
            }
            if (method.equals("GET") && payload != null) {
                throw new IllegalArgumentException("payload is for POST; method is GET");
            }
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
        successCodes = preset != null ? List.copyOf(successCodes)
                : successCodes == null || successCodes.isEmpty() ? DEFAULT_SUCCESS_CODES : List.copyOf(successCodes);
        for (int code : successCodes) {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("successCodes must hold HTTP statuses 100..599, held " + code);
            }
        }
    }

    /** A provider described in full, tried up to 3 times, without a body check or rate limit. */
    public ProviderConfig(String name, String url, String method, Map<String, String> headers, String payload,
                          List<Integer> successCodes) {
        this(name, url, method, headers, payload, successCodes, null, null, null, null, null, null, null);
    }

    /** The same provider with {@code check} on its answer body. */
    public ProviderConfig withBodyCheck(BodyCheck check) {
        return new ProviderConfig(name, url, method, headers, payload, successCodes, null, null, null, null, check,
                maxTries, ratePerSecond);
    }

    /** The same provider with {@code tries} tries per message and {@code perSecond} sends per second (null: no limit). */
    public ProviderConfig withTries(int tries, Integer perSecond) {
        return new ProviderConfig(name, url, method, headers, payload, successCodes, null, null, null, null, bodyCheck,
                tries, perSecond);
    }

    /** This provider as it would be written in the config file: reading the tree back gives an equal provider. */
    public com.fasterxml.jackson.databind.node.ObjectNode toTree() {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) ConfigLoader.treeOf(this);
        if (credentials.isEmpty()) {
            tree.remove("credentials");
        }
        if (preset != null && successCodes.isEmpty()) {
            tree.remove("successCodes");
        }
        return tree;
    }

    /** The header's value, matched case-insensitively as HTTP does, or null. */
    public String header(String headerName) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(headerName))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        // header values often hold credentials
        return "ProviderConfig[name=" + name + ", preset=" + preset + ", method=" + method + ", headers="
                + headers.keySet() + ", maxTries=" + maxTries + ", ratePerSecond=" + ratePerSecond + "]";
    }
}
