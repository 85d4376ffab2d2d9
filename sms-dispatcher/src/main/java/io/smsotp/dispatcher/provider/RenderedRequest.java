package io.smsotp.dispatcher.provider;

import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One provider request, ready to send: exactly what the configuration says, placeholders filled.
 *
 * @param body empty for GET and for a POST without payload
 */
public record RenderedRequest(URI uri, String method, Map<String, String> headers, byte[] body) {
    public RenderedRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RenderedRequest r && uri.equals(r.uri) && method.equals(r.method)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, method, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        // the URI, header values and body hold the number, the code and credentials: show only their shape
        return "RenderedRequest[" + method + " " + uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath()
                + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }
}
