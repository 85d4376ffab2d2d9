package io.smsotp.auth.console;

import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.http.Html;
import io.smsotp.auth.self.SelfPageException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Small parts every area's pages share: the version a form was read at, confirmations, links with names. */
final class Pages {

    /** The form field that carries the version of the entry the form was filled from. */
    static final String VERSION = "version";

    private Pages() {
    }

    /** {@code value} for a query string. */
    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The configuration entry's version the form was read at: what the write checks (If-Match). */
    static long version(Context ctx) {
        String given = ctx.formParam(VERSION);
        try {
            long version = Long.parseLong(given == null ? "" : given.strip());
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new SelfPageException(400, "The form could not be read", "The form does not say which version it was "
                + "read at. Open it again from its list.", ApiPaths.CONSOLE, "Back to the console");
    }

    /** The {@code offset} of a paged list; anything but a whole number from 0 is the first page. */
    static int offset(Context ctx) {
        String given = ctx.queryParam("offset");
        try {
            return given == null ? 0 : Math.max(0, Integer.parseInt(given.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A confirmation: what will happen, a button that does it, and a way back that does nothing. */
    static String confirm(String action, String csrf, String hidden, String consequence, String button, String back) {
        return "<p id=\"consequence\">" + Html.text(consequence) + "</p>\n"
                + FormHtml.form("confirm-form", action, csrf, hidden, "", button)
                + "<p class=\"actions\">" + ConsoleLayout.link(back, "Cancel", "cancel") + "</p>\n";
    }
}
