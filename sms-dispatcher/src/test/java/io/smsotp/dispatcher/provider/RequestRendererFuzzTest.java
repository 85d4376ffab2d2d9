package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.Json;
import io.smsotp.events.SmsRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Invariant 6 for any number, text and message id: the rendered request is exactly what the
 * configuration says, each value encoded for where it stands. The host, path and parameter names of
 * the URL stay, a JSON payload parses with the template's keys only, a form payload decodes to the
 * template's fields only, and every value comes back equal to the input; header values never hold
 * CR or LF (a value that would put one there is refused).
 */
class RequestRendererFuzzTest {

    private static final ProviderConfig URL_QUERY = new ProviderConfig("query",
            "https://sms.example.com/v1/send?to=$ctx.num&text=$ctx.msg&ref=$ctx.id&from=acme", "GET",
            Map.of("Authorization", "Bearer abc"), null, null);
    private static final ProviderConfig JSON = new ProviderConfig("json", "https://sms.example.com/v1/send", "POST",
            Map.of("Content-Type", "application/json; charset=utf-8"),
            "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\",\"ref\":\"$ctx.id\",\"type\":\"unicode\",\"n\":1}", null);
    private static final ProviderConfig FORM = new ProviderConfig("form", "https://sms.example.com/v1/send", "POST",
            Map.of("Content-Type", "application/x-www-form-urlencoded"),
            "To=$ctx.num&Body=$ctx.msg&Ref=$ctx.id&From=%2B15005550006", null);
    private static final ProviderConfig HEADER = new ProviderConfig("header", "https://sms.example.com/v1/send", "POST",
            Map.of("X-Message-Id", "$ctx.id", "Authorization", "Bearer abc"), null, null);

    @FuzzTest
    void keepsTheConfiguredStructureForAnyNumberTextAndId(FuzzedDataProvider data) throws IOException {
        String num = data.consumeString(40);
        String id = data.consumeString(60);
        String text = data.consumeRemainingAsString();
        SmsRequest request = new SmsRequest(id, "ch-1", "demo", num, text, Instant.parse("2030-01-01T00:00:00Z"));

        RenderedRequest query = RequestRenderer.render(URL_QUERY, request);
        assertThat(query.uri().getScheme()).isEqualTo("https");
        assertThat(query.uri().getRawAuthority()).isEqualTo("sms.example.com");
        assertThat(query.uri().getRawPath()).isEqualTo("/v1/send");
        assertThat(query.uri().getRawFragment()).isNull();
        assertThat(fields(query.uri().getRawQuery())).containsExactly(Map.entry("to", utf8(num)),
                Map.entry("text", utf8(text)), Map.entry("ref", utf8(id)), Map.entry("from", "acme"));
        assertThat(query.headers()).containsExactly(Map.entry("Authorization", "Bearer abc"));

        JsonNode json = Json.MAPPER.readTree(RequestRenderer.render(JSON, request).body());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("to", "text", "ref", "type", "n");
        assertThat(json.get("to").textValue()).isEqualTo(num);
        assertThat(json.get("text").textValue()).isEqualTo(text);
        assertThat(json.get("ref").textValue()).isEqualTo(id);
        assertThat(json.get("type").textValue()).isEqualTo("unicode");
        assertThat(json.get("n").intValue()).isEqualTo(1);

        String form = new String(RequestRenderer.render(FORM, request).body(), StandardCharsets.UTF_8);
        assertThat(fields(form)).containsExactly(Map.entry("To", utf8(num)), Map.entry("Body", utf8(text)),
                Map.entry("Ref", utf8(id)), Map.entry("From", "+15005550006"));

        if (id.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            RenderedRequest headed = RequestRenderer.render(HEADER, request);
            assertThat(headed.headers()).containsOnly(Map.entry("X-Message-Id", id),
                    Map.entry("Authorization", "Bearer abc"));
        } else {
            assertThatThrownBy(() -> RequestRenderer.render(HEADER, request)).isInstanceOf(RenderException.class)
                    .hasMessageContaining("header X-Message-Id").hasMessageNotContaining(id);
        }
    }

    /** Name to decoded value, in order; a repeated name would fail the exact comparison. */
    private static Map<String, String> fields(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&", -1)) {
            String[] nv = pair.split("=", 2);
            assertThat(nv).hasSize(2);
            assertThat(out.put(URLDecoder.decode(nv[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(nv[1], StandardCharsets.UTF_8))).isNull();
        }
        return out;
    }

    /** What a value is once written as UTF-8: only a lone surrogate changes (to '?'), as any UTF-8 wire would. */
    private static String utf8(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
