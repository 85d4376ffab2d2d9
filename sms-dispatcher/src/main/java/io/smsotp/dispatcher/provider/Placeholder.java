package io.smsotp.dispatcher.provider;

import io.smsotp.events.SmsRequest;
import java.util.function.Function;

/** The values a provider template may name. */
enum Placeholder {
    NUM("$ctx.num", "recipient", SmsRequest::to),
    /** The recipient without the {@code +}, as some providers (Vonage, Clickatell) want it. */
    MSISDN("$ctx.msisdn", "recipient", r -> r.to() == null ? null : r.to().startsWith("+") ? r.to().substring(1) : r.to()),
    MSG("$ctx.msg", "text", SmsRequest::text),
    ID("$ctx.id", "messageId", SmsRequest::messageId);

    /** Every placeholder starts so; text that starts so but names none of them is a configuration error. */
    static final String PREFIX = "$ctx.";

    final String token;
    final String field;
    private final Function<SmsRequest, String> value;

    Placeholder(String token, String field, Function<SmsRequest, String> value) {
        this.token = token;
        this.field = field;
        this.value = value;
    }

    String valueIn(SmsRequest request) {
        return value.apply(request);
    }

    /** The placeholder that starts at {@code i} of {@code template}, or null. */
    static Placeholder at(String template, int i) {
        if (!template.startsWith(PREFIX, i)) {
            return null;
        }
        String name = nameAt(template, i);
        for (Placeholder p : values()) {
            // whole names only: $ctx.number is a typo to report, not $ctx.num followed by "ber"
            if (p.token.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** {@code $ctx.xyz} as written at {@code i}, for an error message about an unknown name. */
    static String nameAt(String template, int i) {
        int end = i + PREFIX.length();
        while (end < template.length() && Character.isLetterOrDigit(template.charAt(end))) {
            end++;
        }
        return template.substring(i, end);
    }
}
