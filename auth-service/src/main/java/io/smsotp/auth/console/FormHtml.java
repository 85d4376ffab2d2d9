package io.smsotp.auth.console;

import io.smsotp.auth.http.Html;
import io.smsotp.auth.self.SelfPages;
import java.util.List;

/**
 * The fields of one console form as HTML, filled in from its {@link Form} and marked where the
 * refusal names a field: that field gets {@code aria-invalid} and the message under it. Each
 * field is labelled with its name in the config file, which is the name the services' messages
 * use.
 */
final class FormHtml {

    /** One choice of a select: the value sent and its text. */
    record Option(String value, String label) {
    }

    private final Form values;
    private final FormError error;

    FormHtml(Form values, FormError error) {
        this.values = values == null ? Form.empty() : values;
        this.error = error;
    }

    /** A form posting to {@code action}: the CSRF field, {@code hidden} (already HTML) and {@code fields}. */
    static String form(String id, String action, String csrf, String hidden, String fields, String submit) {
        return """
                <form method="post" action="%s" id="%s" class="console-form">
                %s%s
                %s
                <div class="actions"><button type="submit" class="primary" id="%s-submit">%s</button></div>
                </form>
                """.formatted(text(action), text(id), SelfPages.csrfField(csrf), hidden, fields, text(id),
                text(submit));
    }

    /** A hidden field, spelled as every page of smsotp spells it. */
    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + text(name) + "\" value=\"" + text(value) + "\">";
    }

    /** The refusal above the form: what went wrong and which field, for a reader who does not see the marks. */
    String summary() {
        if (error == null) {
            return "";
        }
        return "<p class=\"notice error\" role=\"alert\" id=\"form-error\">" + text(error.message())
                + (error.field() == null ? "" : " <span class=\"field-name\">(field <code>" + text(error.field())
                + "</code>)</span>") + "</p>\n";
    }

    String text(String name, String label, String hint) {
        return input("text", name, label, hint, "");
    }

    String password(String name, String label, String hint) {
        // never filled back in: a refused form asks for the password again
        return field(name, label, hint, "<input type=\"password\" id=\"" + id(name) + "\" name=\"" + text(name)
                + "\" autocomplete=\"new-password\"" + invalid(name) + ">");
    }

    String number(String name, String label, String hint) {
        return input("text", name, label, hint, " inputmode=\"numeric\"");
    }

    String textarea(String name, String label, int rows, String hint) {
        return field(name, label, hint, "<textarea id=\"" + id(name) + "\" name=\"" + text(name) + "\" rows=\"" + rows
                + "\"" + invalid(name) + ">" + text(values.raw(name)) + "</textarea>");
    }

    String select(String name, String label, List<Option> options, String hint) {
        StringBuilder sb = new StringBuilder("<select id=\"" + id(name) + "\" name=\"" + text(name) + "\""
                + invalid(name) + ">");
        String chosen = values.raw(name);
        for (Option o : options) {
            sb.append("<option value=\"").append(text(o.value())).append('"')
                    .append(o.value().equals(chosen) ? " selected" : "").append('>').append(text(o.label()))
                    .append("</option>");
        }
        return field(name, label, hint, sb.append("</select>").toString());
    }

    String checkbox(String name, String label, String hint) {
        String box = "<input type=\"checkbox\" id=\"" + id(name) + "\" name=\"" + text(name) + "\" value=\""
                + Form.ON + "\"" + (values.checked(name) ? " checked" : "") + invalid(name) + ">";
        return "<div class=\"field check" + (marked(name) ? " invalid" : "") + "\">" + box + "<label for=\"" + id(name)
                + "\">" + text(label) + " <code>" + text(name) + "</code></label>" + message(name) + hintHtml(hint)
                + "</div>\n";
    }

    private String input(String type, String name, String label, String hint, String extra) {
        return field(name, label, hint, "<input type=\"" + type + "\" id=\"" + id(name) + "\" name=\"" + text(name)
                + "\" value=\"" + text(values.raw(name)) + "\"" + extra + invalid(name) + ">");
    }

    private String field(String name, String label, String hint, String control) {
        return "<div class=\"field" + (marked(name) ? " invalid" : "") + "\"><label for=\"" + id(name) + "\">"
                + text(label) + " <code>" + text(name) + "</code></label>" + control + message(name) + hintHtml(hint)
                + "</div>\n";
    }

    private boolean marked(String name) {
        return error != null && name.equals(error.field());
    }

    private String invalid(String name) {
        return marked(name) ? " aria-invalid=\"true\" aria-describedby=\"" + id(name) + "-error\"" : "";
    }

    private String message(String name) {
        return marked(name) ? "<p class=\"field-error\" id=\"" + id(name) + "-error\">" + text(error.message())
                + "</p>" : "";
    }

    private static String hintHtml(String hint) {
        return hint == null ? "" : "<p class=\"hint\">" + text(hint) + "</p>";
    }

    /** The element id of field {@code name}: {@code otp.length} is {@code f-otp-length}. */
    static String id(String name) {
        return "f-" + name.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    private static String text(String s) {
        return Html.text(s);
    }
}
