package io.smsotp.dispatcher.provider;

import io.smsotp.config.BodyCheck;
import io.smsotp.config.ProviderConfig;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request shapes of known SMS providers, so that one is configured with its name, its
 * credentials and a sender. Each preset fills in the URL, method, headers (authentication),
 * payload, success codes and body check that provider's API wants. {@code baseUrl} replaces the
 * scheme, host and port (a regional endpoint, or a test server).
 *
 * <p>Placeholders: {@code $ctx.num} is the number in E.164 ({@code +15551234567}),
 * {@code $ctx.msisdn} the same without the {@code +}, {@code $ctx.msg} the text, {@code $ctx.id}
 * the send request's unique id.
 *
 * <p>The configuration (file, topic, admin API) keeps a preset provider as it was given: preset,
 * credentials, sender. The dispatcher expands it here, where it is sent, so that the request shapes
 * of providers live with the code that sends to them.
 */
public final class ProviderPresets {

    public static final String TWILIO = "twilio";
    public static final String VONAGE = "vonage";
    public static final String BULKSMS = "bulksms";
    public static final String CLICKATELL = "clickatell";
    public static final String PLIVO = "plivo";
    public static final List<String> NAMES = List.of(TWILIO, VONAGE, BULKSMS, CLICKATELL, PLIVO);

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    /** What a preset fills in. */
    private record Shape(String url, String method, Map<String, String> headers, String payload, List<Integer> successCodes,
                 BodyCheck bodyCheck) {
    }

    private ProviderPresets() {
    }

    /**
     * The provider described in full: {@code given} itself without a preset; with one, the URL,
     * method, payload, headers (the preset's, then the given ones), success codes and body check
     * it fills in from the credentials and sender (the given success codes and body check win).
     *
     * @throws IllegalArgumentException naming the unknown preset, the missing credential or a bad sender
     */
    public static ProviderConfig expand(ProviderConfig given) {
        if (given.preset() == null) {
            return given;
        }
        checkFrom(given.from());
        Shape shape = shape(given.preset(), given.baseUrl(), given.credentials(), given.from());
        Map<String, String> headers = new LinkedHashMap<>(shape.headers());
        headers.putAll(given.headers());
        List<Integer> codes = given.successCodes().isEmpty() ? shape.successCodes() : given.successCodes();
        BodyCheck check = given.bodyCheck() != null ? given.bodyCheck() : shape.bodyCheck();
        return new ProviderConfig(given.name(), shape.url(), shape.method(), headers, shape.payload(), codes, null,
                null, null, null, check, given.maxTries(), given.ratePerSecond());
    }

    /**
     * The shape of {@code preset} with these credentials and sender.
     *
     * @throws IllegalArgumentException naming the missing credential or the unknown preset
     */
    private static Shape shape(String preset, String baseUrl, Map<String, String> credentials, String from) {
        Map<String, String> c = credentials == null ? Map.of() : credentials;
        return switch (preset) {
            case TWILIO -> {
                // Programmable Messaging: form fields To, From, Body; HTTP Basic with the account SID; 201 Created
                String sid = required(c, "accountSid");
                String token = required(c, "authToken");
                requireFrom(from);
                yield new Shape(base(baseUrl, "https://api.twilio.com") + "/2010-04-01/Accounts/" + path(sid)
                        + "/Messages.json", "POST", headers(FORM, basic(sid, token)),
                        "To=$ctx.num&From=" + form(from) + "&Body=$ctx.msg", List.of(201), null);
            }
            case VONAGE -> {
                // SMS API (Nexmo): credentials in the form; 200 even on failure, so the status inside decides
                String key = required(c, "apiKey");
                String secret = required(c, "apiSecret");
                requireFrom(from);
                yield new Shape(base(baseUrl, "https://rest.nexmo.com") + "/sms/json", "POST", headers(FORM, null),
                        "api_key=" + form(key) + "&api_secret=" + form(secret) + "&from=" + form(from)
                                + "&to=$ctx.msisdn&text=$ctx.msg&type=unicode&client-ref=$ctx.id",
                        List.of(200), BodyCheck.jsonEquals("/messages/0/status", "0"));
            }
            case BULKSMS -> {
                // JSON REST API v1: HTTP Basic with the username (or token id) and password (or token secret)
                String user = required(c, "username");
                String password = required(c, "password");
                String sender = from == null ? "" : ",\"from\":" + json(from);
                yield new Shape(base(baseUrl, "https://api.bulksms.com") + "/v1/messages", "POST",
                        headers(JSON, basic(user, password)),
                        "{\"to\":\"$ctx.num\",\"body\":\"$ctx.msg\",\"encoding\":\"UNICODE\"" + sender + "}",
                        List.of(200, 201), null);
            }
            case CLICKATELL -> {
                // Platform API: the API key alone in Authorization; 202 Accepted, each message says accepted
                String key = required(c, "apiKey");
                String sender = from == null ? "" : ",\"from\":" + json(from);
                yield new Shape(base(baseUrl, "https://platform.clickatell.com") + "/messages", "POST",
                        headers(JSON, key), "{\"content\":\"$ctx.msg\",\"to\":[\"$ctx.msisdn\"]" + sender + "}",
                        List.of(202), BodyCheck.jsonEquals("/messages/0/accepted", true));
            }
            case PLIVO -> {
                // Message API: HTTP Basic with the auth id; 202 Accepted with the message's uuid
                String id = required(c, "authId");
                String token = required(c, "authToken");
                requireFrom(from);
                yield new Shape(base(baseUrl, "https://api.plivo.com") + "/v1/Account/" + path(id) + "/Message/",
                        "POST", headers(JSON, basic(id, token)),
                        "{\"src\":" + json(from) + ",\"dst\":\"$ctx.msisdn\",\"text\":\"$ctx.msg\"}",
                        List.of(202), BodyCheck.containing("message_uuid"));
            }
            default -> throw new IllegalArgumentException("preset must be one of " + NAMES + ", was " + preset);
        };
    }

    private static String required(Map<String, String> credentials, String name) {
        String value = credentials.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("credentials." + name + " is required by this preset");
        }
        if (value.chars().anyMatch(ch -> ch == '\r' || ch == '\n') || value.contains("$ctx.")) {
            // a placeholder in a credential would be filled with the number or the text
            throw new IllegalArgumentException("credentials." + name + " must be one line without $ctx.");
        }
        return value;
    }

    private static void requireFrom(String from) {
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("from (the sender number or name) is required by this preset");
        }
    }

    private static void checkFrom(String from) {
        if (from != null && (from.contains("$ctx.") || from.chars().anyMatch(ch -> ch < 0x20))) {
            throw new IllegalArgumentException("from must be one line without $ctx.");
        }
    }

    private static String base(String baseUrl, String real) {
        String b = baseUrl == null ? real : baseUrl;
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    private static Map<String, String> headers(String contentType, String authorization) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("Accept", "application/json");
        if (authorization != null) {
            h.put("Authorization", authorization);
        }
        return h;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String path(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String json(String value) {
        try {
            return io.smsotp.events.Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }
}
