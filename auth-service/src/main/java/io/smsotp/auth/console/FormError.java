package io.smsotp.auth.console;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a form was refused, and the field it names. The services' messages start with the field's
 * path in the config file's names ({@code url must be ...}, {@code otp: length must be 4..10},
 * {@code claims.mobile ...}, {@code redirectUris[1] ...}); the console's forms name their fields the
 * same way, so the field is read off the message, not decided twice.
 *
 * @param field the form field refused, or null when the message is about the form as a whole
 */
record FormError(String field, String message) {

    /** A leading path, maybe quoted, maybe followed by a colon and the next word (a nested record's field). */
    private static final Pattern LEAD = Pattern.compile("'?([A-Za-z_][\\w.\\[\\]]*)'?(:?)\\s+([A-Za-z_]\\w*)?");
    private static final String WHOLE = "config: ";

    /** The refusal {@code message} of a form with {@code fields}. */
    static FormError of(String message, Collection<String> fields) {
        return new FormError(fieldOf(message, fields), message);
    }

    /** The field of {@code fields} that {@code message} is about, or null. */
    static String fieldOf(String message, Collection<String> fields) {
        String m = message.startsWith(WHOLE) ? message.substring(WHOLE.length()) : message;
        Matcher lead = LEAD.matcher(m);
        if (!lead.lookingAt()) {
            return null;
        }
        String path = lead.group(1).replaceAll("\\[\\d+]", "");
        if (!lead.group(2).isEmpty() && lead.group(3) != null && fields.contains(path + "." + lead.group(3))) {
            // "otp: length must be ...": the record's path, then its own field
            return path + "." + lead.group(3);
        }
        for (String p = path; !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
            if (fields.contains(p)) {
                return p;
            }
        }
        // "bodyCheck needs contains, regex or jsonPointer": the first field of that group
        return fields.stream().filter(f -> f.startsWith(path + ".")).findFirst().orElse(null);
    }
}
