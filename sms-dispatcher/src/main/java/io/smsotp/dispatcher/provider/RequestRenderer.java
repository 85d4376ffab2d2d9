package io.smsotp.dispatcher.provider;

import io.smsotp.config.ProviderConfig;
import io.smsotp.events.SmsRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Makes the provider request from its configuration and one send request. Pure: no I/O, no state.
 *
 * <p>{@code $ctx.num} (recipient), {@code $ctx.msg} (text) and {@code $ctx.id} (message id) are
 * filled in the URL, header values and payload, each encoded for where it stands: percent-encoded
 * in the URL; JSON-string-escaped in a JSON payload; form-encoded in a form payload; as written in
 * any other payload; refused in a header when it holds a control character. Templates are filled
 * by one left-to-right scan that never reads what it has written, so a text that contains
 * {@code $ctx.num} is sent as written and not filled again.
 */
public final class RequestRenderer {

    private RequestRenderer() {
    }

    /**
     * The request to send.
     *
     * @throws RenderException when the request cannot be made; the message says why, without values
     */
    public static RenderedRequest render(ProviderConfig provider, SmsRequest request) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(request, "request");
        URI uri = toUri(fill(provider.url(), request, Encoding.URL, "url"));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : provider.headers().entrySet()) {
            headers.put(h.getKey(), fill(h.getValue(), request, Encoding.HEADER, "header " + h.getKey()));
        }
        byte[] body = provider.payload() == null ? new byte[0]
                : fill(provider.payload(), request, payloadEncoding(provider), "payload").getBytes(StandardCharsets.UTF_8);
        return new RenderedRequest(uri, provider.method(), headers, body);
    }

    /** How placeholders in the payload are encoded, from its Content-Type header (matched case-insensitively). */
    static Encoding payloadEncoding(ProviderConfig provider) {
        String contentType = provider.header("Content-Type");
        if (contentType == null) {
            return Encoding.RAW;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/json") || media.startsWith("application/") && media.endsWith("+json")) {
            return Encoding.JSON_STRING;
        }
        if (media.equals("application/x-www-form-urlencoded")) {
            return Encoding.FORM;
        }
        return Encoding.RAW;
    }

    /** One scan of the template: literal text copied, each placeholder replaced by its encoded value. */
    static String fill(String template, SmsRequest request, Encoding encoding, String where) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        JsonStringTracker json = encoding == Encoding.JSON_STRING ? new JsonStringTracker() : null;
        int i = 0;
        while (i < template.length()) {
            Placeholder p = Placeholder.at(template, i);
            if (p == null && template.startsWith(Placeholder.PREFIX, i)) {
                throw new RenderException(where + ": unknown placeholder " + Placeholder.nameAt(template, i)
                        + " (known: $ctx.num, $ctx.msg, $ctx.id)");
            }
            if (p == null) {
                char c = template.charAt(i++);
                if (json != null) {
                    json.accept(c);
                }
                out.append(c);
                continue;
            }
            if (json != null && !json.inString()) {
                // outside quotes an escaped value could still be a number, an object or a second key
                throw new RenderException(where + ": " + p.token + " must stand inside a JSON string (\"...\")");
            }
            String value = p.valueIn(request);
            if (value == null) {
                throw new RenderException(where + ": the send request has no " + p.field + " for " + p.token);
            }
            out.append(encoding.encode(value, where, p));
            i += p.token.length();
        }
        return out.toString();
    }

    private static URI toUri(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            // the template itself is malformed (values are all percent-encoded); say where, not what
            throw new RenderException("url: not a valid URI once filled (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    /** Follows the template's literal text to know whether the next character stands inside a JSON string. */
    private static final class JsonStringTracker {
        private boolean inString;
        private boolean escaped;

        void accept(char c) {
            if (escaped) {
                escaped = false;
            } else if (inString && c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = !inString;
            }
        }

        boolean inString() {
            return inString;
        }
    }
}
