package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smsotp.config.ProviderConfig;
import io.smsotp.events.Json;
import io.smsotp.events.SmsRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestRendererTest {

    static final String NUMBER = "+15551234567";
    /** Everything that could break out of a URL parameter, a JSON string, a form field or a line. */
    static final String NASTY = "Code 123456 & more=1 + \"quoted\" #frag ?q \\ back\nline2\r\ttab Grüße ✓ 🎉 %41 ';--";
    static final String JSON_BREAKOUT = "\",\"admin\":true,\"x\":\"";

    static SmsRequest request(String to, String text) {
        return new SmsRequest("msg-1", "ch-1", "demo", to, text, Instant.parse("2030-01-01T00:00:00Z"));
    }

    static ProviderConfig provider(String url, String method, Map<String, String> headers, String payload) {
        return new ProviderConfig("sink", url, method, headers, payload, null);
    }

    @Test
    void percentEncodesNumberAndTextInTheUrlSoTheyDecodeBackExactlyAndAddNoParameter() {
        ProviderConfig p = provider("https://sms.example.com/send?to=$ctx.num&text=$ctx.msg&from=acme", "GET", null, null);

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, NASTY));

        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.uri().getHost()).isEqualTo("sms.example.com");
        assertThat(r.uri().getRawPath()).isEqualTo("/send");
        assertThat(r.uri().getRawFragment()).as("a '#' in the text must not start a fragment").isNull();
        assertThat(r.uri().getRawQuery()).matches("[A-Za-z0-9._~%=&-]*");
        Map<String, String> params = queryParams(r.uri().getRawQuery());
        assertThat(params).containsExactly(Map.entry("to", NUMBER), Map.entry("text", NASTY), Map.entry("from", "acme"));
        assertThat(r.uri().getRawQuery()).startsWith("to=%2B15551234567&text=Code%20123456%20%26%20more%3D1%20%2B%20");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void escapesTheTextInAJsonPayloadSoTheBodyHasExactlyTheTemplatesKeys() throws Exception {
        ProviderConfig p = provider("https://sms.example.com/send", "POST",
                Map.of("content-TYPE", "Application/JSON; charset=utf-8"),
                "{\"to\":\"$ctx.num\",\"text\":\"$ctx.msg\",\"ref\":\"$ctx.id\"}");
        String text = JSON_BREAKOUT + NASTY + "\u0000\u001f\u2028";

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, text));

        JsonNode body = Json.MAPPER.readTree(r.body());
        List<String> keys = new ArrayList<>();
        body.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("to", "text", "ref");
        assertThat(body.get("to").textValue()).isEqualTo(NUMBER);
        assertThat(body.get("text").textValue()).isEqualTo(text);
        assertThat(body.get("ref").textValue()).isEqualTo("msg-1");
        assertThat(body.has("admin")).isFalse();
    }

    @Test
    void refusesAPlaceholderThatStandsOutsideAJsonString() {
        ProviderConfig p = provider("https://sms.example.com/send", "POST", Map.of("Content-Type", "application/json"),
                "{\"to\":\"$ctx.num\",\"text\":$ctx.msg}");

        assertThatThrownBy(() -> RequestRenderer.render(p, request(NUMBER, "1,\"admin\":true")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("payload")
                .hasMessageContaining("$ctx.msg must stand inside a JSON string");
    }

    @Test
    void keepsEscapedQuotesOfTheTemplateInMindWhenFindingJsonStrings() throws Exception {
        ProviderConfig p = provider("https://sms.example.com/send", "POST", Map.of("Content-Type", "application/json"),
                "{\"note\":\"say \\\"hi\\\" \\\\\",\"text\":\"[$ctx.msg]\"}");

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, JSON_BREAKOUT));

        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("note").textValue()).isEqualTo("say \"hi\" \\");
        assertThat(body.get("text").textValue()).isEqualTo("[" + JSON_BREAKOUT + "]");
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void formEncodesAFormPayloadSoItParsesBackToExactlyTheTemplatesFields() {
        ProviderConfig p = provider("https://sms.example.com/send", "POST",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "to=$ctx.num&text=$ctx.msg&from=acme");

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, NASTY));

        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).matches("[A-Za-z0-9._*%=&+-]*");
        assertThat(queryParams(body)).containsExactly(Map.entry("to", NUMBER), Map.entry("text", NASTY),
                Map.entry("from", "acme"));
    }

    @Test
    void writesTheTextAsItIsInAPayloadOfAnotherContentType() {
        ProviderConfig p = provider("https://sms.example.com/send", "POST", Map.of("Content-Type", "text/plain"),
                "To: $ctx.num\n\n$ctx.msg");

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, NASTY));

        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("To: " + NUMBER + "\n\n" + NASTY);
    }

    @Test
    void fillsTheNumberInAHeaderValueAndLeavesOtherHeadersAsConfigured() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer abc");
        headers.put("X-Recipient", "tel:$ctx.num");
        ProviderConfig p = provider("https://sms.example.com/send", "GET", headers, null);

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, "hi"));

        assertThat(r.headers()).containsOnly(Map.entry("Authorization", "Bearer abc"),
                Map.entry("X-Recipient", "tel:" + NUMBER));
    }

    @Test
    void refusesCarriageReturnOrLineFeedInAHeaderValueRatherThanInjectAHeader() {
        ProviderConfig p = provider("https://sms.example.com/send", "GET", Map.of("X-Text", "$ctx.msg"), null);

        for (String text : List.of("hi\r\nX-Evil: 1", "hi\nX-Evil: 1", "hi\rX-Evil: 1", "nul\u0000")) {
            assertThatThrownBy(() -> RequestRenderer.render(p, request(NUMBER, text)))
                    .isInstanceOf(RenderException.class)
                    .hasMessageContaining("header X-Text")
                    .hasMessageContaining("control character")
                    .hasMessageNotContaining("Evil");
        }
    }

    @Test
    void refusesNonAsciiInAHeaderValue() {
        ProviderConfig p = provider("https://sms.example.com/send", "GET", Map.of("X-Text", "$ctx.msg"), null);

        assertThatThrownBy(() -> RequestRenderer.render(p, request(NUMBER, "Grüße ✓")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("non-ASCII");
    }

    @Test
    void doesNotFillPlaceholdersThatArriveInsideAValue() {
        String text = "literal $ctx.num and $ctx.msg and $ctx.id";
        ProviderConfig raw = provider("https://sms.example.com/send?text=$ctx.msg", "POST",
                Map.of("Content-Type", "text/plain", "X-Echo", "$ctx.msg"), "$ctx.msg|$ctx.num");

        RenderedRequest r = RequestRenderer.render(raw, request(NUMBER, text));

        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(text + "|" + NUMBER);
        assertThat(r.headers()).containsEntry("X-Echo", text);
        assertThat(queryParams(r.uri().getRawQuery())).containsExactly(Map.entry("text", text));
    }

    @Test
    void fillsTheMessageIdWhereTheTemplateAsksForIt() {
        ProviderConfig p = provider("https://sms.example.com/send/$ctx.id?to=$ctx.num", "GET", null, null);

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, "hi"));

        assertThat(r.uri().getRawPath()).isEqualTo("/send/msg-1");
    }

    @Test
    void refusesAnUnknownPlaceholderNamingIt() {
        ProviderConfig p = provider("https://sms.example.com/send?to=$ctx.number", "GET", null, null);

        assertThatThrownBy(() -> RequestRenderer.render(p, request(NUMBER, "hi")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("url: unknown placeholder $ctx.number");
    }

    @Test
    void refusesARequestWithoutTheValueAPlaceholderNames() {
        ProviderConfig p = provider("https://sms.example.com/send?to=$ctx.num", "GET", null, null);

        assertThatThrownBy(() -> RequestRenderer.render(p, request(null, "hi")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("url: the send request has no recipient for $ctx.num");
    }

    @Test
    void keepsADollarSignThatIsNoPlaceholder() {
        ProviderConfig p = provider("https://sms.example.com/send", "POST", Map.of("Content-Type", "text/plain"),
                "costs $5, $ctx is $ctx.msg");

        RenderedRequest r = RequestRenderer.render(p, request(NUMBER, "hi"));

        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("costs $5, $ctx is hi");
    }

    @Test
    void neverShowsValuesWhenPrinted() {
        ProviderConfig p = provider("https://sms.example.com/send?to=$ctx.num", "POST",
                Map.of("Authorization", "Bearer secret-key", "Content-Type", "text/plain"), "$ctx.msg");

        String printed = RequestRenderer.render(p, request(NUMBER, "code 123456")).toString();

        assertThat(printed).doesNotContain("secret-key", "123456", "5551234567").contains("Authorization");
    }

    /** Splits a raw query or form body at '&' and '=' and decodes each part. */
    static Map<String, String> queryParams(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String previous = params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            assertThat(previous).as("parameter given twice").isNull();
        }
        return params;
    }
}
