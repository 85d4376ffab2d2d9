package io.smsotp.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the refused field off the services' messages, which start with the field's path in the config file. */
class FormErrorTest {

    static final List<String> FIELDS = List.of("name", "url", "headers", "redirectUris", "otp.length", "otp.ttl",
            "bodyCheck.contains", "bodyCheck.regex", "claims.mobile", "to", "perNumber.max", "steps");

    @Test
    void findsTheFieldAMessageStartsWith() {
        assertThat(FormError.fieldOf("url must be an absolute http(s) URL", FIELDS)).isEqualTo("url");
        assertThat(FormError.fieldOf("claims.mobile must be E.164", FIELDS)).isEqualTo("claims.mobile");
        assertThat(FormError.fieldOf("'to' must be an international number", FIELDS)).isEqualTo("to");
        assertThat(FormError.fieldOf("config: steps must be [[basic],[smsOTP]] or [[basic]]", FIELDS))
                .isEqualTo("steps");
    }

    @Test
    void findsANestedRecordsFieldAfterItsPath() {
        assertThat(FormError.fieldOf("otp: length must be 4..10, was 3", FIELDS)).isEqualTo("otp.length");
        assertThat(FormError.fieldOf("perNumber: max must be at least 1, was 0", FIELDS)).isEqualTo("perNumber.max");
        assertThat(FormError.fieldOf("otp.ttl: Text 'soon' cannot be parsed", FIELDS)).isEqualTo("otp.ttl");
    }

    @Test
    void findsTheFormsFieldForAnEntryOrIndexWithinIt() {
        assertThat(FormError.fieldOf("headers.Authorization must be one line of text", FIELDS)).isEqualTo("headers");
        assertThat(FormError.fieldOf("redirectUris[1] must be an absolute http(s) URI", FIELDS))
                .isEqualTo("redirectUris");
        assertThat(FormError.fieldOf("bodyCheck needs contains, regex or jsonPointer", FIELDS))
                .isEqualTo("bodyCheck.contains");
    }

    @Test
    void aMessageAboutTheWholeFormNamesNoField() {
        assertThat(FormError.fieldOf("a preset sets url, method and payload itself", FIELDS)).isNull();
        assertThat(FormError.fieldOf("app 'x' needs an apiKey (2FA API), redirectUris (OIDC login) or both", FIELDS))
                .isNull();
        assertThat(FormError.fieldOf("", FIELDS)).isNull();
    }
}
