package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AppAdmin;
import io.smsotp.auth.admin.Versioned;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.config.ConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The applications' pages: list, add (the API key and client secret made by the server and shown
 * on the answer only), edit, remove with a confirmation, and a new API key (the old one works on
 * for the overlap) or client secret (the old one stops at once), each shown once.
 */
final class AppPages {

    private static final String OVERLAP = "overlap";

    private final Console console;

    AppPages(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        routes.get(ApiPaths.CONSOLE_APPS, this::list);
        routes.get(ApiPaths.CONSOLE_APP_NEW, ctx -> ctx.html(newPage(ctx, AppForm.fresh(), null)));
        routes.post(ApiPaths.CONSOLE_APP_NEW, this::create);
        routes.get(ApiPaths.CONSOLE_APP_EDIT, ctx -> {
            Versioned v = console.admin().apps().get(id(ctx));
            ctx.html(editPage(ctx, v, AppForm.form(v.body()), null));
        });
        routes.post(ApiPaths.CONSOLE_APP_EDIT, this::save);
        routes.get(ApiPaths.CONSOLE_APP_DELETE, this::confirmDelete);
        routes.post(ApiPaths.CONSOLE_APP_DELETE, ctx -> {
            console.admin().apps().delete(Console.actor(ctx), id(ctx), Pages.version(ctx));
            Console.redirect(ctx, ApiPaths.CONSOLE_APPS, "app-deleted");
        });
        routes.post(ApiPaths.CONSOLE_APP_ROTATE_KEY, this::rotateKey);
        routes.post(ApiPaths.CONSOLE_APP_ROTATE_SECRET, this::rotateSecret);
    }

    private void list(Context ctx) {
        List<String> rows = new ArrayList<>();
        for (JsonNode app : console.admin().apps().list()) {
            String id = app.path("id").asText();
            String q = "?id=" + Pages.query(id);
            boolean api = app.hasNonNull("apiKey");
            boolean login = !app.path("redirectUris").isEmpty();
            rows.add(ConsoleLayout.row("<span class=\"name\">" + text(id) + "</span>", text(app.path("name").asText()),
                    text(api && login ? "2FA API and login" : login ? "login" : "2FA API"),
                    text(login ? (app.path("steps").size() > 1 ? "basic then smsOTP" : "basic") : ""),
                    text(login ? app.path("subjectClaim").asText() : ""),
                    ConsoleLayout.link(ApiPaths.CONSOLE_APP_EDIT + q, "Edit", "edit-" + id) + " "
                            + ConsoleLayout.link(ApiPaths.CONSOLE_APP_DELETE + q, "Remove", "delete-" + id)));
        }
        ctx.html(console.page(ctx, Area.APPS, "Applications", ConsoleLayout.done(ctx.queryParam("done")),
                ConsoleLayout.table("apps", List.of("Id", "Name", "Uses", "Login steps", "Subject", ""), rows,
                        "No applications yet.")
                        + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_APP_NEW, "Add an application",
                        "add-app") + "</p>"));
    }

    private String newPage(Context ctx, Form values, FormError error) {
        FormHtml h = new FormHtml(values, error);
        return console.page(ctx, Area.APPS, "Add an application", null, h.summary() + FormHtml.form("app-form",
                ApiPaths.CONSOLE_APP_NEW, console.csrf(ctx), "", AppForm.fields(h, true), "Add application"));
    }

    private void create(Context ctx) {
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, AppForm.FIELDS, AppForm.ID, e -> newPage(ctx, form, e));
        AppAdmin.Created c = console.admin().apps().create(Console.actor(ctx), AppForm.body(form, null));
        String id = c.app().body().path("id").asText();
        String secret = c.clientSecret() != null ? "<code id=\"client-secret\" class=\"secret\">"
                + text(c.clientSecret()) + "</code>" : "none: " + (c.app().body().path("redirectUris").isEmpty()
                ? "no redirect URIs, no login" : "a public client (PKCE)");
        ctx.html(console.page(ctx, Area.APPS, "Application " + id + " added", Notice.ok("Copy the API key and the "
                        + "client secret now: they are shown only on this page, and kept only as a hash or sealed."),
                ConsoleLayout.table("secrets", List.of("Client id", "API key", "Client secret"), List.of(
                        ConsoleLayout.row("<code id=\"client-id\">" + text(id) + "</code>",
                                "<code id=\"api-key\" class=\"secret\">" + text(c.apiKey()) + "</code>", secret)), "")
                        + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_APPS, "Back to applications",
                        "back") + "</p>"));
    }

    private String editPage(Context ctx, Versioned v, Form values, FormError error) {
        String id = v.body().path("id").asText();
        String csrf = console.csrf(ctx);
        FormHtml h = new FormHtml(values, error);
        String ids = FormHtml.hidden("id", id) + FormHtml.hidden(Pages.VERSION, Long.toString(v.version()));
        String rotateSecret = v.body().path("redirectUris").isEmpty() ? "" : "<section id=\"rotate-secret\">"
                + "<h2>Client secret</h2><p>" + (v.body().hasNonNull("clientSecret") ? "A new secret replaces the "
                + "current one at once." : "A public client has none; one made here makes it confidential.")
                + "</p>" + FormHtml.form("rotate-secret-form", ApiPaths.CONSOLE_APP_ROTATE_SECRET, csrf, ids, "",
                "Make a new client secret") + "</section>\n";
        return console.page(ctx, Area.APPS, "Application " + id, null, h.summary()
                + FormHtml.form("app-form", ApiPaths.CONSOLE_APP_EDIT, csrf, ids, AppForm.fields(h, false), "Save")
                + "<section id=\"rotate-key\"><h2>API key</h2><p>A new key is made and shown once; the current one "
                + "works on for the overlap, then stops.</p>"
                + FormHtml.form("rotate-key-form", ApiPaths.CONSOLE_APP_ROTATE_KEY, csrf, ids,
                h.text(OVERLAP, "Overlap", "ISO-8601, up to " + AppAdmin.MAX_OVERLAP + "; blank: "
                        + AppAdmin.DEFAULT_OVERLAP + "; PT0S: the current key stops at once."), "Make a new API key")
                + "</section>\n" + rotateSecret);
    }

    private void save(Context ctx) {
        Versioned current = console.admin().apps().get(id(ctx));
        long version = Pages.version(ctx);
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, AppForm.FIELDS, null, e -> editPage(ctx, new Versioned(current.body(), version),
                form, e));
        console.admin().apps().replace(Console.actor(ctx), id(ctx), AppForm.body(form, current.body()), version);
        Console.redirect(ctx, ApiPaths.CONSOLE_APPS, "app-saved");
    }

    private void confirmDelete(Context ctx) {
        String id = id(ctx);
        Versioned v = console.admin().apps().get(id);
        ctx.html(console.page(ctx, Area.APPS, "Remove application " + id + "?", null,
                Pages.confirm(ApiPaths.CONSOLE_APP_DELETE, console.csrf(ctx), FormHtml.hidden("id", id)
                        + FormHtml.hidden(Pages.VERSION, Long.toString(v.version())), "Its API key and client secret "
                        + "stop working at once, on every instance.", "Remove application", ApiPaths.CONSOLE_APPS)));
    }

    private void rotateKey(Context ctx) {
        String id = id(ctx);
        Versioned current = console.admin().apps().get(id);
        long version = Pages.version(ctx);
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, List.of(OVERLAP), null, e -> editPage(ctx, current,
                AppForm.form(current.body()).with(OVERLAP, form.raw(OVERLAP)), e));
        AppAdmin.RotatedKey r = console.admin().apps().rotateKey(Console.actor(ctx), id, overlap(form), version);
        ctx.html(console.page(ctx, Area.APPS, "New API key for " + id, Notice.ok("Copy the new key now: it is shown "
                        + "only on this page."),
                "<p>New API key: <code id=\"api-key\" class=\"secret\">" + text(r.apiKey()) + "</code></p>\n"
                        + "<p id=\"retired-until\">The previous key works until " + text(r.retiredUntil().toString())
                        + ".</p>\n<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_APPS,
                        "Back to applications", "back") + "</p>"));
    }

    private void rotateSecret(Context ctx) {
        String id = id(ctx);
        String secret = console.admin().apps().rotateSecret(Console.actor(ctx), id, Pages.version(ctx));
        ctx.html(console.page(ctx, Area.APPS, "New client secret for " + id, Notice.ok("Copy the new secret now: it "
                        + "is shown only on this page. The previous one no longer works."),
                "<p>New client secret: <code id=\"client-secret\" class=\"secret\">" + text(secret) + "</code></p>\n"
                        + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_APPS, "Back to applications",
                        "back") + "</p>"));
    }

    /** The overlap typed, or null for the default. */
    private static Duration overlap(Form form) {
        String given = form.text(OVERLAP);
        try {
            return given == null ? null : Duration.parse(given);
        } catch (DateTimeParseException e) {
            throw new ConfigException(OVERLAP + " must be an ISO-8601 duration such as PT24H, was '" + given + "'");
        }
    }

    private static String id(Context ctx) {
        return Console.required(ctx, "id");
    }
}
