package io.smsotp.auth.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.admin.SecretMask;
import io.smsotp.config.AppConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An application as the console's form shows it and as the admin services take it: an
 * {@code apps[]} item of the config file. The form turns text into that shape; the services judge
 * it. The API key and client secret are never in the form: the server makes them, shows them once,
 * and a saved form keeps them.
 */
final class AppForm {

    static final String ID = "id";
    static final String NAME = "name";
    static final String REDIRECT_URIS = "redirectUris";
    static final String STEPS = "steps";
    static final String SUBJECT = "subjectClaim";
    static final String ALLOW_DISABLE = "allowUserDisable";
    static final String MANDATORY = "smsOtpMandatory";
    static final String BACKUP_CODES = "backupCodes";
    static final String CAPTURE = "captureMobile";
    static final String COUNTRIES = "allowedCountryCodes";
    static final String PKCE = "requirePkce";
    static final String PUBLIC = "publicClient";
    static final String OTP = "otp.";
    static final List<String> OTP_NUMBERS = List.of("length", "maxAttempts", "maxResends", "maxSendsPerMinute");
    static final List<String> OTP_DURATIONS = List.of("ttl", "resendCooldown");

    /** Every field, in the form's order: what a refusal's message is matched against. */
    static final List<String> FIELDS = List.of(ID, NAME, REDIRECT_URIS, STEPS, SUBJECT, ALLOW_DISABLE, MANDATORY,
            BACKUP_CODES, CAPTURE, OTP + "length", OTP + "ttl", OTP + "maxAttempts", OTP + "resendCooldown",
            OTP + "maxResends", OTP + "alphanumeric", OTP + "message", OTP + "maxSendsPerMinute", COUNTRIES, PKCE,
            PUBLIC);

    /** The select's value for the login's two steps. */
    private static final String BASIC_SMS = "basic,smsOTP";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AppForm() {
    }

    /** A new application's form: the login with both steps, the subject its username, backup codes and PKCE on. */
    static Form fresh() {
        return new Form(Map.of(STEPS, BASIC_SMS, SUBJECT, AppConfig.SUBJECT_USERNAME, BACKUP_CODES, Form.ON,
                PKCE, Form.ON));
    }

    /**
     * The body of a create ({@code current} null) or a replace of {@code current} (as the services
     * show it: its key and secret are kept).
     */
    static ObjectNode body(Form f, JsonNode current) {
        ObjectNode body = NODES.objectNode();
        put(body, ID, f.text(ID));
        put(body, NAME, f.text(NAME));
        List<String> uris = f.lines(REDIRECT_URIS);
        if (!uris.isEmpty()) {
            uris.forEach(body.putArray(REDIRECT_URIS)::add);
        }
        ArrayNode steps = body.putArray(STEPS);
        for (String step : f.raw(STEPS).split(",")) {
            // one step per list, as the file writes them; a value the select never offered is the services' to refuse
            steps.addArray().add(step.strip());
        }
        put(body, SUBJECT, f.text(SUBJECT));
        for (String flag : List.of(ALLOW_DISABLE, MANDATORY, BACKUP_CODES, CAPTURE, PKCE)) {
            body.put(flag, f.checked(flag));
        }
        ObjectNode otp = body.putObject("otp");
        for (String n : OTP_NUMBERS) {
            Integer value = f.integer(OTP + n);
            if (value != null) {
                otp.put(n, value);
            }
        }
        for (String d : OTP_DURATIONS) {
            put(otp, d, f.text(OTP + d));
        }
        otp.put("alphanumeric", f.checked(OTP + "alphanumeric"));
        put(otp, "message", f.block(OTP + "message"));
        List<Integer> countries = f.integers(COUNTRIES);
        if (!countries.isEmpty()) {
            countries.forEach(body.putArray(COUNTRIES)::add);
        }
        if (current == null) {
            if (f.checked(PUBLIC)) {
                body.put(PUBLIC, true);
            }
        } else {
            for (String secret : List.of("apiKey", "clientSecret")) {
                if (current.hasNonNull(secret)) {
                    body.put(secret, SecretMask.MASK);
                }
            }
        }
        return body;
    }

    /** The form of an application as the services show it. */
    static Form form(JsonNode app) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(ID, app.path(ID).asText(""));
        v.put(NAME, app.path(NAME).asText(""));
        List<String> uris = new ArrayList<>();
        app.path(REDIRECT_URIS).forEach(u -> uris.add(u.asText()));
        v.put(REDIRECT_URIS, String.join("\n", uris));
        v.put(STEPS, app.path(STEPS).size() > 1 ? BASIC_SMS : AppConfig.STEP_BASIC);
        v.put(SUBJECT, app.path(SUBJECT).asText(AppConfig.SUBJECT_USERNAME));
        for (String flag : List.of(ALLOW_DISABLE, MANDATORY, BACKUP_CODES, CAPTURE, PKCE)) {
            if (app.path(flag).asBoolean(false)) {
                v.put(flag, Form.ON);
            }
        }
        JsonNode otp = app.path("otp");
        for (String n : OTP_NUMBERS) {
            v.put(OTP + n, otp.path(n).isNumber() ? otp.path(n).asText() : "");
        }
        for (String d : OTP_DURATIONS) {
            v.put(OTP + d, otp.path(d).asText(""));
        }
        if (otp.path("alphanumeric").asBoolean(false)) {
            v.put(OTP + "alphanumeric", Form.ON);
        }
        v.put(OTP + "message", otp.path("message").asText(""));
        List<String> countries = new ArrayList<>();
        app.path(COUNTRIES).forEach(c -> countries.add(c.asText()));
        v.put(COUNTRIES, String.join(", ", countries));
        return new Form(v);
    }

    /** The form's fields as HTML; {@code creating} adds the id and the public client choice. */
    static String fields(FormHtml h, boolean creating) {
        return (creating ? h.text(ID, "Id", "The client id of the login and the app's name in the API: letters, "
                + "digits, '.', '_' or '-', at most 64.") : "")
                + h.text(NAME, "Name", "Shown on the login pages and in the SMS; blank: the id.")
                + h.textarea(REDIRECT_URIS, "Redirect URIs", 3, "One a line: where the login may send users back "
                        + "(absolute http(s), exact). None: an app of the 2FA API only.")
                + (creating ? h.checkbox(PUBLIC, "Public client", "No client secret (a browser or mobile app): it "
                        + "must use PKCE. Otherwise a client secret is made and shown once.") : "")
                + "<fieldset><legend>Login</legend>\n"
                + h.select(STEPS, "Steps", List.of(new FormHtml.Option(AppConfig.STEP_BASIC, "basic"),
                        new FormHtml.Option(BASIC_SMS, "basic then smsOTP")), "The password alone, or the password "
                        + "then a code sent by SMS.")
                + h.select(SUBJECT, "Subject claim", List.of(
                        new FormHtml.Option(AppConfig.SUBJECT_USERNAME, "username"),
                        new FormHtml.Option(AppConfig.SUBJECT_MOBILE, "mobile")), "What the app receives as sub.")
                + h.checkbox(ALLOW_DISABLE, "Allow users to disable SMS OTP", "Users may turn SMS codes off for "
                        + "themselves on their account page.")
                + h.checkbox(MANDATORY, "SMS OTP mandatory", "A user who turned SMS codes off is refused here "
                        + "instead of signing in with the password alone.")
                + h.checkbox(BACKUP_CODES, "Backup codes", "Taken in place of the SMS code.")
                + h.checkbox(CAPTURE, "Capture mobile", "A user without a mobile number is asked for one.")
                + h.text(COUNTRIES, "Allowed country codes", "Country calling codes (1, 44, ...) whose numbers may "
                        + "get codes, separated by commas; blank: all.")
                + h.checkbox(PKCE, "Require PKCE", "Only a client with a secret may turn it off.")
                + "</fieldset>\n<fieldset><legend>OTP policy</legend>\n"
                + h.number(OTP + "length", "Code length", "4..10; blank: 6.")
                + h.text(OTP + "ttl", "Lifetime", "ISO-8601, at most PT10M; blank: PT5M.")
                + h.number(OTP + "maxAttempts", "Wrong codes allowed", "1..100; blank: 5.")
                + h.text(OTP + "resendCooldown", "Resend cooldown", "ISO-8601, at most the lifetime; blank: PT30S.")
                + h.number(OTP + "maxResends", "Resends", "0..10; blank: 3.")
                + h.checkbox(OTP + "alphanumeric", "Letters and digits", "Codes of upper-case letters and digits "
                        + "without look-alikes instead of digits only.")
                + h.textarea(OTP + "message", "Message", 2, "The SMS text: {code} required, {app} and {minutes} "
                        + "may appear; blank: the built-in text.")
                + h.number(OTP + "maxSendsPerMinute", "Sends per minute", "SMS this app may have sent per minute; "
                        + "blank: no limit.")
                + "</fieldset>\n";
    }

    private static void put(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
