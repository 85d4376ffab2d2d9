package io.smsotp.auth.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.dispatcher.provider.ProviderPresets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A provider as the console's form shows it and as the admin services take it: a
 * {@code providers[]} item of the config file. The form only turns text into that shape (lines
 * into maps, commas into lists); the services judge it. Secrets come back masked ({@code ***})
 * and a {@code ***} left as it is keeps the value.
 */
final class ProviderForm {

    static final String NAME = "name";
    static final String PRESET = "preset";
    static final String CREDENTIALS = "credentials";
    static final String FROM = "from";
    static final String BASE_URL = "baseUrl";
    static final String URL = "url";
    static final String METHOD = "method";
    static final String HEADERS = "headers";
    static final String PAYLOAD = "payload";
    static final String SUCCESS_CODES = "successCodes";
    static final String CHECK_CONTAINS = "bodyCheck.contains";
    static final String CHECK_REGEX = "bodyCheck.regex";
    static final String CHECK_POINTER = "bodyCheck.jsonPointer";
    static final String CHECK_EXPECTED = "bodyCheck.expected";
    static final String MAX_TRIES = "maxTries";
    static final String RATE = "ratePerSecond";

    /** Every field, in the form's order: what a refusal's message is matched against. */
    static final List<String> FIELDS = List.of(NAME, PRESET, CREDENTIALS, FROM, BASE_URL, URL, METHOD, HEADERS, PAYLOAD,
            SUCCESS_CODES, CHECK_CONTAINS, CHECK_REGEX, CHECK_POINTER, CHECK_EXPECTED, MAX_TRIES, RATE);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProviderForm() {
    }

    /** The body of a create or replace from the form; blank fields are left out (the file's defaults). */
    static ObjectNode body(Form f) {
        ObjectNode body = NODES.objectNode();
        put(body, NAME, f.text(NAME));
        put(body, PRESET, f.text(PRESET));
        map(body, CREDENTIALS, f.pairs(CREDENTIALS, '='));
        put(body, FROM, f.text(FROM));
        put(body, BASE_URL, f.text(BASE_URL));
        put(body, URL, f.text(URL));
        put(body, METHOD, f.text(METHOD));
        map(body, HEADERS, f.pairs(HEADERS, ':'));
        put(body, PAYLOAD, f.block(PAYLOAD));
        List<Integer> codes = f.integers(SUCCESS_CODES);
        if (!codes.isEmpty()) {
            codes.forEach(body.putArray(SUCCESS_CODES)::add);
        }
        ObjectNode check = NODES.objectNode();
        put(check, "contains", f.block(CHECK_CONTAINS));
        put(check, "regex", f.text(CHECK_REGEX));
        put(check, "jsonPointer", f.text(CHECK_POINTER));
        if (f.text(CHECK_EXPECTED) != null) {
            check.set("expected", expected(f.text(CHECK_EXPECTED)));
        }
        if (!check.isEmpty()) {
            body.set("bodyCheck", check);
        }
        if (f.integer(MAX_TRIES) != null) {
            body.put(MAX_TRIES, f.integer(MAX_TRIES));
        }
        if (f.integer(RATE) != null) {
            body.put(RATE, f.integer(RATE));
        }
        return body;
    }

    /** The form of a provider as the services show it (secrets masked). */
    static Form form(JsonNode p) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(NAME, p.path(NAME).asText(""));
        v.put(PRESET, p.path(PRESET).asText(""));
        v.put(CREDENTIALS, lines(p.path(CREDENTIALS), "="));
        v.put(FROM, p.path(FROM).asText(""));
        v.put(BASE_URL, p.path(BASE_URL).asText(""));
        v.put(URL, p.path(URL).asText(""));
        v.put(METHOD, p.path(METHOD).asText(""));
        v.put(HEADERS, lines(p.path(HEADERS), ": "));
        v.put(PAYLOAD, p.path(PAYLOAD).asText(""));
        List<String> codes = new ArrayList<>();
        p.path(SUCCESS_CODES).forEach(c -> codes.add(c.asText()));
        v.put(SUCCESS_CODES, String.join(", ", codes));
        JsonNode check = p.path("bodyCheck");
        v.put(CHECK_CONTAINS, check.path("contains").asText(""));
        v.put(CHECK_REGEX, check.path("regex").asText(""));
        v.put(CHECK_POINTER, check.path("jsonPointer").asText(""));
        // as JSON: "0" (a string) and 0 (a number) are different checks
        v.put(CHECK_EXPECTED, check.has("expected") ? check.get("expected").toString() : "");
        v.put(MAX_TRIES, p.path(MAX_TRIES).asText(""));
        v.put(RATE, p.path(RATE).isNumber() ? p.path(RATE).asText() : "");
        return new Form(v);
    }

    /** The form's fields as HTML; {@code withName} false on an edit (a provider is renamed by adding the new one). */
    static String fields(FormHtml h, boolean withName) {
        List<FormHtml.Option> presets = new ArrayList<>();
        presets.add(new FormHtml.Option("", "none: described in full below"));
        ProviderPresets.NAMES.forEach(n -> presets.add(new FormHtml.Option(n, n)));
        List<FormHtml.Option> methods = List.of(new FormHtml.Option("", "default: GET, or POST with a payload"),
                new FormHtml.Option("GET", "GET"), new FormHtml.Option("POST", "POST"));
        return (withName ? h.text(NAME, "Name", "How the failover order, the logs and the audit name it; with a "
                + "preset, the preset's name unless given.") : "")
                + "<fieldset><legend>A preset</legend>\n"
                + h.select(PRESET, "Preset", presets, "A known provider's API: it fills in the URL, method, payload, "
                        + "success codes and body check. Leave the request below blank.")
                + h.textarea(CREDENTIALS, "Credentials", 3, "One name=value a line, named as the preset asks "
                        + "(the README's preset table); a missing one is named when you save. *** keeps a value.")
                + h.text(FROM, "Sender", "The sender number or name.")
                + h.text(BASE_URL, "Base URL", "Another scheme, host and port for the preset (a regional endpoint, "
                        + "a test server); blank for the provider's own.")
                + "</fieldset>\n<fieldset><legend>Or the request in full</legend>\n"
                + h.text(URL, "URL", "http(s); $ctx.num (the number), $ctx.msisdn (without +), $ctx.msg (the text) "
                        + "and $ctx.id (the message id) are filled in.")
                + h.select(METHOD, "HTTP method", methods, null)
                + h.textarea(PAYLOAD, "Payload", 4, "The POST body, with the same placeholders.")
                + "</fieldset>\n<fieldset><legend>Headers and the answer</legend>\n"
                + h.textarea(HEADERS, "Headers", 3, "One Name: value a line; with a preset, added to its own. "
                        + "*** keeps a value.")
                + h.text(SUCCESS_CODES, "Success codes", "HTTP statuses that mean sent, separated by commas; blank: "
                        + "200, 201, 202 (or the preset's).")
                + h.text(CHECK_CONTAINS, "Body check: contains", "Text the answer's body must contain.")
                + h.text(CHECK_REGEX, "Body check: regular expression", "Must match somewhere in the body.")
                + h.text(CHECK_POINTER, "Body check: JSON pointer", "e.g. /messages/0/status, with the value below.")
                + h.text(CHECK_EXPECTED, "Body check: expected value", "As JSON: \"0\" is a string, 0 a number, "
                        + "true a boolean; other text is taken as a string.")
                + "</fieldset>\n<fieldset><legend>Sending</legend>\n"
                + h.number(MAX_TRIES, "Tries", "Tries of this provider for one message before the next one is "
                        + "tried, 1..20; blank: 3.")
                + h.number(RATE, "Sends per second", "What the provider's contract allows; blank: no limit.")
                + "</fieldset>\n";
    }

    /** The expected value: JSON when it reads as a string, number or boolean, else the text itself. */
    private static JsonNode expected(String given) {
        try {
            JsonNode value = ApiJson.MAPPER.readTree(given);
            if (value != null && value.isValueNode() && !value.isNull()) {
                return value;
            }
        } catch (JsonProcessingException e) {
            // not JSON: the text itself, the common case of a word such as accepted
        }
        return NODES.textNode(given);
    }

    private static void put(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static void map(ObjectNode body, String field, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode map = body.putObject(field);
            values.forEach(map::put);
        }
    }

    private static String lines(JsonNode map, String separator) {
        List<String> out = new ArrayList<>();
        map.fields().forEachRemaining(e -> out.add(e.getKey() + separator + e.getValue().asText()));
        return out.stream().collect(Collectors.joining("\n"));
    }
}
