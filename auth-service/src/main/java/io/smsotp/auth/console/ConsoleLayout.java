package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.self.SelfPages.Viewer;
import io.smsotp.auth.self.SelfPages;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The frame of every console page: smsotp's own page (who is signed in, sign-out, no script) with
 * the console's navigation, and the notices a change redirects to its list with.
 */
final class ConsoleLayout {

    /** One area of the console in the navigation. */
    enum Area {
        OVERVIEW("Overview", ApiPaths.CONSOLE),
        PROVIDERS("Providers", ApiPaths.CONSOLE_PROVIDERS),
        APPS("Applications", ApiPaths.CONSOLE_APPS),
        USERS("Users", ApiPaths.CONSOLE_USERS),
        RATE_LIMITS("Rate limits", ApiPaths.CONSOLE_RATE_LIMITS),
        AUDIT("Audit log", ApiPaths.CONSOLE_AUDIT);

        final String label;
        final String path;

        Area(String label, String path) {
            this.label = label;
            this.path = path;
        }
    }

    /**
     * What a change redirects with ({@code ?done=}): fixed texts, so that a link cannot make a page
     * of the console say anything.
     */
    private static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("provider-added", "The provider was added, last in the failover order."),
            Map.entry("provider-saved", "The provider was saved."),
            Map.entry("provider-deleted", "The provider was removed."),
            Map.entry("provider-moved", "The failover order was changed."),
            Map.entry("app-saved", "The application was saved."),
            Map.entry("app-deleted", "The application was removed: its keys stopped working."),
            Map.entry("user-added", "The user was added."),
            Map.entry("user-saved", "The profile was saved."),
            Map.entry("user-unlocked", "The user was unlocked."),
            Map.entry("user-deleted", "The user was deleted."),
            Map.entry("limits-saved", "The send limits were saved."));

    private ConsoleLayout() {
    }

    /** A console page of {@code area}; {@code body} is HTML the caller escaped. */
    static String page(Viewer viewer, Area area, String title, Notice notice, String body) {
        return SelfPages.page(title, viewer, notice, nav(area), body);
    }

    /** A page with a message and a way back to {@code area}. */
    static String message(Viewer viewer, Area area, String title, Notice notice) {
        return page(viewer, area, title, notice, "<p class=\"actions\"><a href=\"" + text(area.path)
                + "\" id=\"back\">Back to " + text(area.label.toLowerCase(Locale.ROOT)) + "</a></p>");
    }

    /** The notice {@code done} names, or null for none (or an unknown one). */
    static Notice done(String done) {
        String text = DONE.get(Objects.requireNonNullElse(done, ""));
        return text == null ? null : Notice.ok(text);
    }

    /** The path to redirect to after a change: {@code path} with the notice {@code done}. */
    static String after(String path, String done) {
        if (!DONE.containsKey(done)) {
            throw new IllegalArgumentException("no notice " + done);
        }
        return path + (path.contains("?") ? "&" : "?") + "done=" + done;
    }

    /** A link as a table cell's action. */
    static String link(String href, String label, String id) {
        return "<a href=\"" + text(href) + "\"" + (id == null ? "" : " id=\"" + text(id) + "\"") + ">" + text(label)
                + "</a>";
    }

    /** A one-button form (move, unlock, rotate), posting {@code hidden} with the CSRF token. */
    static String button(String action, String csrf, String hidden, String label, String id) {
        return "<form method=\"post\" action=\"" + text(action) + "\" class=\"inline\">" + SelfPages.csrfField(csrf)
                + hidden + "<button type=\"submit\" class=\"small\"" + (id == null ? "" : " id=\"" + text(id) + "\"")
                + ">" + text(label) + "</button></form>";
    }

    /** A table of {@code rows} (HTML) under {@code headings}. */
    static String table(String id, List<String> headings, List<String> rows, String empty) {
        if (rows.isEmpty()) {
            return "<p id=\"" + text(id) + "\" class=\"empty\">" + text(empty) + "</p>\n";
        }
        StringBuilder sb = new StringBuilder("<table id=\"" + text(id) + "\">\n<thead><tr>");
        headings.forEach(h -> sb.append("<th>").append(text(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        return sb.append("</tbody>\n</table>\n").toString();
    }

    /** One table row of cells that are HTML already. */
    static String row(String... cells) {
        StringBuilder sb = new StringBuilder("<tr>");
        for (String c : cells) {
            sb.append("<td>").append(c).append("</td>");
        }
        return sb.append("</tr>").toString();
    }

    private static String nav(Area current) {
        StringBuilder sb = new StringBuilder("<nav class=\"console\" aria-label=\"Console\">");
        for (Area a : Area.values()) {
            sb.append("<a href=\"").append(text(a.path)).append('"')
                    .append(a == current ? " aria-current=\"page\"" : "").append('>').append(text(a.label))
                    .append("</a>");
        }
        return sb.append("</nav>").toString();
    }
}
