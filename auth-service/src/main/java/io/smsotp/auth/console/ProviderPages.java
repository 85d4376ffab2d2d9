package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.ProviderTester;
import io.smsotp.auth.admin.Versioned;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.config.ProviderConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The providers' pages: the failover order (move up and down), add (in full or from a preset),
 * edit, remove with a confirmation, and a test SMS through one provider with what came of it.
 */
final class ProviderPages {

    private static final List<String> TEST_FIELDS = List.of("to", "text");

    private final Console console;

    ProviderPages(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        routes.get(ApiPaths.CONSOLE_PROVIDERS, this::list);
        routes.get(ApiPaths.CONSOLE_PROVIDER_NEW, ctx -> ctx.html(newPage(ctx, Form.empty(), null)));
        routes.post(ApiPaths.CONSOLE_PROVIDER_NEW, this::create);
        routes.get(ApiPaths.CONSOLE_PROVIDER_EDIT, this::edit);
        routes.post(ApiPaths.CONSOLE_PROVIDER_EDIT, this::save);
        routes.get(ApiPaths.CONSOLE_PROVIDER_DELETE, this::confirmDelete);
        routes.post(ApiPaths.CONSOLE_PROVIDER_DELETE, this::delete);
        routes.post(ApiPaths.CONSOLE_PROVIDER_MOVE, this::move);
        routes.get(ApiPaths.CONSOLE_PROVIDER_TEST, ctx -> {
            String name = name(ctx);
            // an unknown provider is a 404 here already, not after the number is typed
            console.admin().providers().get(name);
            ctx.html(testPage(ctx, name, Form.empty(), null, null));
        });
        routes.post(ApiPaths.CONSOLE_PROVIDER_TEST, this::test);
    }

    private void list(Context ctx) {
        List<JsonNode> providers = console.admin().providers().list();
        String csrf = console.csrf(ctx);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < providers.size(); i++) {
            JsonNode p = providers.get(i);
            String name = p.path("name").asText();
            String q = "?name=" + Pages.query(name);
            String hidden = FormHtml.hidden("name", name);
            String sends = p.hasNonNull("preset") ? "preset " + p.path("preset").asText()
                    : p.path("method").asText() + " " + p.path("url").asText();
            List<String> actions = new ArrayList<>();
            if (i > 0) {
                actions.add(ConsoleLayout.button(ApiPaths.CONSOLE_PROVIDER_MOVE, csrf,
                        hidden + FormHtml.hidden("direction", "up"), "Move up", "up-" + name));
            }
            if (i < providers.size() - 1) {
                actions.add(ConsoleLayout.button(ApiPaths.CONSOLE_PROVIDER_MOVE, csrf,
                        hidden + FormHtml.hidden("direction", "down"), "Move down", "down-" + name));
            }
            actions.add(ConsoleLayout.link(ApiPaths.CONSOLE_PROVIDER_EDIT + q, "Edit", "edit-" + name));
            actions.add(ConsoleLayout.link(ApiPaths.CONSOLE_PROVIDER_TEST + q, "Send test SMS", "test-" + name));
            actions.add(ConsoleLayout.link(ApiPaths.CONSOLE_PROVIDER_DELETE + q, "Remove", "delete-" + name));
            rows.add(ConsoleLayout.row(Integer.toString(i + 1), "<span class=\"name\">" + text(name) + "</span>",
                    text(sends), text(p.path("maxTries").asText()),
                    text(p.path("ratePerSecond").isNumber() ? p.path("ratePerSecond").asText() + "/s" : "no limit"),
                    String.join(" ", actions)));
        }
        ctx.html(console.page(ctx, Area.PROVIDERS, "SMS providers", ConsoleLayout.done(ctx.queryParam("done")),
                "<p>Each SMS goes to the first provider; when that fails after its tries, to the next.</p>\n"
                        + ConsoleLayout.table("providers", List.of("#", "Name", "Sends", "Tries", "Rate", ""), rows,
                        "No providers: no SMS can be sent.")
                        + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_PROVIDER_NEW, "Add a provider",
                        "add-provider") + "</p>"));
    }

    private String newPage(Context ctx, Form values, FormError error) {
        FormHtml h = new FormHtml(values, error);
        return console.page(ctx, Area.PROVIDERS, "Add a provider", null, h.summary() + FormHtml.form("provider-form",
                ApiPaths.CONSOLE_PROVIDER_NEW, console.csrf(ctx), "", ProviderForm.fields(h, true), "Add provider"));
    }

    private void create(Context ctx) {
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, ProviderForm.FIELDS, ProviderForm.NAME, e -> newPage(ctx, form, e));
        console.admin().providers().create(Console.actor(ctx), ProviderForm.body(form));
        Console.redirect(ctx, ApiPaths.CONSOLE_PROVIDERS, "provider-added");
    }

    private void edit(Context ctx) {
        String name = name(ctx);
        Versioned v = console.admin().providers().get(name);
        ctx.html(editPage(ctx, name, v.version(), ProviderForm.form(v.body()), null));
    }

    private String editPage(Context ctx, String name, long version, Form values, FormError error) {
        FormHtml h = new FormHtml(values, error);
        return console.page(ctx, Area.PROVIDERS, "Provider " + name, null, h.summary()
                + "<p class=\"hint\">Secrets show as ***: leave them so to keep them.</p>\n"
                + FormHtml.form("provider-form", ApiPaths.CONSOLE_PROVIDER_EDIT, console.csrf(ctx),
                FormHtml.hidden("name", name) + FormHtml.hidden(Pages.VERSION, Long.toString(version)),
                ProviderForm.fields(h, false), "Save"));
    }

    private void save(Context ctx) {
        String name = name(ctx);
        long version = Pages.version(ctx);
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, ProviderForm.FIELDS, null, e -> editPage(ctx, name, version, form, e));
        console.admin().providers().replace(Console.actor(ctx), name, ProviderForm.body(form), version);
        Console.redirect(ctx, ApiPaths.CONSOLE_PROVIDERS, "provider-saved");
    }

    private void confirmDelete(Context ctx) {
        String name = name(ctx);
        Versioned v = console.admin().providers().get(name);
        ctx.html(console.page(ctx, Area.PROVIDERS, "Remove provider " + name + "?", null,
                Pages.confirm(ApiPaths.CONSOLE_PROVIDER_DELETE, console.csrf(ctx), FormHtml.hidden("name", name)
                        + FormHtml.hidden(Pages.VERSION, Long.toString(v.version())), "SMS stop going to " + name
                        + " at once, on every instance.", "Remove provider", ApiPaths.CONSOLE_PROVIDERS)));
    }

    private void delete(Context ctx) {
        console.admin().providers().delete(Console.actor(ctx), name(ctx), Pages.version(ctx));
        Console.redirect(ctx, ApiPaths.CONSOLE_PROVIDERS, "provider-deleted");
    }

    /** One place up or down: the whole new order, as the services take it; they refuse a name they do not have. */
    private void move(Context ctx) {
        String name = name(ctx);
        String direction = Console.required(ctx, "direction");
        List<String> names = new ArrayList<>(console.admin().providers().list().stream()
                .map(p -> p.path("name").asText()).toList());
        int at = names.indexOf(name);
        int to = at + ("up".equals(direction) ? -1 : "down".equals(direction) ? 1 : 0);
        if (at < 0) {
            names.add(name);
        } else if (to >= 0 && to < names.size()) {
            names.set(at, names.get(to));
            names.set(to, name);
        }
        console.admin().providers().reorder(Console.actor(ctx), names);
        Console.redirect(ctx, ApiPaths.CONSOLE_PROVIDERS, "provider-moved");
    }

    private void test(Context ctx) {
        String name = name(ctx);
        Form form = Form.of(ctx);
        ProviderConfig provider = console.admin().providers().config(name);
        Console.onRefusal(ctx, TEST_FIELDS, null, e -> testPage(ctx, name, form, e, null));
        ProviderTester.Result r = console.admin().tester().test(Console.actor(ctx), provider,
                form.raw("to"), form.block("text"));
        ctx.html(testPage(ctx, name, form, null, r));
    }

    private String testPage(Context ctx, String name, Form values, FormError error, ProviderTester.Result r) {
        FormHtml h = new FormHtml(values, error);
        String result = r == null ? "" : ConsoleLayout.table("test-result", List.of("Sent", "Provider's status",
                "Body check", "Latency", "Why not sent"), List.of(ConsoleLayout.row(
                "<strong id=\"test-sent\">" + (r.sent() ? "yes" : "no") + "</strong>",
                "<span id=\"test-status\">" + (r.status() == null ? "no answer" : r.status()) + "</span>",
                "<span id=\"test-body-check\">" + text(r.bodyCheck()) + "</span>",
                "<span id=\"test-latency\">" + r.latencyMs() + " ms</span>",
                text(r.reason() == null ? "" : r.reason()))), "");
        Notice notice = r == null ? null : r.sent() ? Notice.ok("The test SMS was sent through " + name + ".")
                : Notice.error("The test SMS was not sent through " + name + ".");
        return console.page(ctx, Area.PROVIDERS, "Send a test SMS through " + name, notice, result + h.summary()
                + "<p>One real SMS goes through this provider now, as the dispatcher would send it (at most "
                + ProviderTester.PER_MINUTE + " a minute).</p>\n"
                + FormHtml.form("test-form", ApiPaths.CONSOLE_PROVIDER_TEST, console.csrf(ctx),
                FormHtml.hidden("name", name), h.text("to", "To", "The number, with + and the country code.")
                        + h.textarea("text", "Text", 2, "Blank: \"" + ProviderTester.DEFAULT_TEXT + "\"."),
                "Send test SMS")
                + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_PROVIDERS, "Back to providers", "back")
                + "</p>");
    }

    private static String name(Context ctx) {
        return Console.required(ctx, "name");
    }
}
