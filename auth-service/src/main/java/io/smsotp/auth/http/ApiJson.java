package io.smsotp.auth.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.smsotp.events.Json;
import java.io.IOException;

/** JSON as the HTTP API speaks it; the wire mapper's settings, but lenient where clients are concerned. */
public final class ApiJson {

    /**
     * ISO-8601 instants like the events; null fields left out (e.g. {@code deliveryReason});
     * unknown request fields ignored, so clients may send more than we read.
     */
    public static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ApiJson() {
    }

    /**
     * The request body as a JSON object. Javalin's size limit applies while reading (413); a body
     * that is not JSON throws Jackson's exception, which {@link ErrorMapping} answers with 400.
     */
    public static JsonNode objectBody(Context ctx) throws IOException {
        JsonNode body = MAPPER.readTree(ctx.bodyAsBytes());
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("malformed_json", "the body must be a JSON object");
        }
        return body;
    }

    /** A required text field of a JSON object. */
    public static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("missing_field", "'" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must be a string");
        }
        return value.textValue();
    }
}
