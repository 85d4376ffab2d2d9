package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AuditRecord;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.http.ApiJson;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The audit log, newest first, searched by who, action or target, a page at a time: every change
 * with its before and after as kept (secrets and numbers masked when written).
 */
final class AuditPages {

    static final int PAGE = 50;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Console console;

    AuditPages(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        routes.get(ApiPaths.CONSOLE_AUDIT, this::list);
    }

    private void list(Context ctx) {
        String q = ctx.queryParam("q");
        int offset = Pages.offset(ctx);
        // one more than shown: whether there is a next page, without counting them all
        List<AuditRecord> records = console.admin().audit().list(q, offset, PAGE + 1);
        List<String> rows = new ArrayList<>();
        for (AuditRecord r : records.subList(0, Math.min(PAGE, records.size()))) {
            rows.add(ConsoleLayout.row(text(WHEN.format(r.at())), "<span class=\"actor\">" + text(r.actor())
                            + "</span>", text(r.action()), text(r.target()), json(r.before()), json(r.after())));
        }
        String query = q == null ? "" : "q=" + Pages.query(q) + "&";
        String paging = "<p class=\"actions\" id=\"paging\">"
                + (offset > 0 ? ConsoleLayout.link(ApiPaths.CONSOLE_AUDIT + "?" + query + "offset="
                + Math.max(0, offset - PAGE), "Newer", "newer") : "")
                + (records.size() > PAGE ? " " + ConsoleLayout.link(ApiPaths.CONSOLE_AUDIT + "?" + query + "offset="
                + (offset + PAGE), "Older", "older") : "") + "</p>\n";
        String search = "<form method=\"get\" action=\"" + ApiPaths.CONSOLE_AUDIT + "\" id=\"search-form\" "
                + "class=\"search\"><label for=\"q\">Search by who, action or target</label><input type=\"search\" "
                + "id=\"q\" name=\"q\" value=\"" + text(q) + "\"><button type=\"submit\">Search</button></form>\n";
        ctx.html(console.page(ctx, Area.AUDIT, "Audit log", null, search + ConsoleLayout.table("audit",
                List.of("When", "Who", "Action", "Target", "Before", "After"), rows, "No changes recorded.")
                + paging));
    }

    private static String json(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        try {
            return "<pre class=\"json\">" + text(ApiJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(node)) + "</pre>";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that does not write", e);
        }
    }

}
