package io.smsotp.auth.console;

import io.javalin.http.Context;
import io.smsotp.config.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The values of one console form, by field name: as the browser sent them, or as a stored entry
 * fills the form in. A checkbox is checked when its field is present. The readers below turn the
 * text into what the services take; what does not parse is a {@link ConfigException} naming the
 * field, refused like any other bad field.
 */
final class Form {

    /** The value a checked checkbox sends. */
    static final String ON = "on";

    private final Map<String, String> values;

    Form(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    static Form empty() {
        return new Form(Map.of());
    }

    /** The form the request carries (each field's first value). */
    static Form of(Context ctx) {
        Map<String, String> first = new LinkedHashMap<>();
        ctx.formParamMap().forEach((name, list) -> {
            if (!list.isEmpty()) {
                first.put(name, list.get(0));
            }
        });
        return new Form(first);
    }

    /** The same form with {@code name} set to {@code value} (null removes it). */
    Form with(String name, String value) {
        Form copy = new Form(values);
        if (value == null) {
            copy.values.remove(name);
        } else {
            copy.values.put(name, value);
        }
        return copy;
    }

    /** The value as sent, or "" when absent. */
    String raw(String name) {
        return Objects.requireNonNullElse(values.get(name), "");
    }

    /** The value without surrounding space, or null when absent or blank. */
    String text(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A text that keeps its spaces and lines (a payload, an SMS text): null when blank, line ends as {@code \n}. */
    String block(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v.replace("\r\n", "\n");
    }

    boolean checked(String name) {
        return values.containsKey(name);
    }

    /** The non-blank lines, stripped. */
    List<String> lines(String name) {
        List<String> out = new ArrayList<>();
        for (String line : raw(name).split("\r?\n|\r")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** The items of a list separated by commas, spaces or lines, stripped. */
    List<String> items(String name) {
        String v = text(name);
        return v == null ? List.of() : List.of(v.split("[\\s,]+"));
    }

    /** A whole number, or null when blank. */
    Integer integer(String name) {
        String v = text(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, was '" + v + "'");
        }
    }

    /** Whole numbers separated by commas or spaces; empty when blank. */
    List<Integer> integers(String name) {
        List<Integer> out = new ArrayList<>();
        for (String item : items(name)) {
            try {
                out.add(Integer.valueOf(item));
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must hold whole numbers separated by commas, held '" + item + "'");
            }
        }
        return out;
    }

    /**
     * {@code Name: value} (or {@code name=value}, by {@code separator}) lines as a map in their
     * order; a line without the separator, or a name given twice, names the field and the line.
     */
    Map<String, String> pairs(String name, char separator) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = lines(name);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int at = line.indexOf(separator);
            if (at <= 0) {
                throw new ConfigException(name + ": line " + (i + 1) + " must be 'Name" + separator
                        + (separator == ':' ? " " : "") + "value'");
            }
            String key = line.substring(0, at).strip();
            if (out.put(key, line.substring(at + 1).strip()) != null) {
                throw new ConfigException(name + ": '" + key + "' is given twice");
            }
        }
        return out;
    }

    Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        // forms carry passwords and secrets: names only
        return "Form" + values.keySet();
    }
}
