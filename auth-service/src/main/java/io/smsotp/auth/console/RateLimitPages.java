package io.smsotp.auth.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.Versioned;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.self.SelfPages.Notice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The send limits that hold across applications ({@code rateLimits} of the config file): view and edit. */
final class RateLimitPages {

    private static final List<String> LIMITS = List.of("perNumber", "perIp");
    private static final List<String> FIELDS = List.of("perNumber.max", "perNumber.window", "perIp.max",
            "perIp.window");

    private final Console console;

    RateLimitPages(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        routes.get(ApiPaths.CONSOLE_RATE_LIMITS, ctx -> {
            Versioned v = console.admin().rateLimits().get();
            ctx.html(page(ctx, v.version(), form(v.body()), null, ConsoleLayout.done(ctx.queryParam("done"))));
        });
        routes.post(ApiPaths.CONSOLE_RATE_LIMITS, ctx -> {
            long version = Pages.version(ctx);
            Form form = Form.of(ctx);
            Console.onRefusal(ctx, FIELDS, null, e -> page(ctx, version, form, e, null));
            console.admin().rateLimits().replace(Console.actor(ctx), body(form), version);
            Console.redirect(ctx, ApiPaths.CONSOLE_RATE_LIMITS, "limits-saved");
        });
    }

    private String page(Context ctx, long version, Form values, FormError error, Notice notice) {
        FormHtml h = new FormHtml(values, error);
        String fields = "<fieldset><legend>To one number</legend>\n"
                + h.number("perNumber.max", "SMS", "At most this many to one recipient number in the window; "
                + "blank: 5.")
                + h.text("perNumber.window", "Window", "ISO-8601; blank: PT10M.")
                + "</fieldset>\n<fieldset><legend>From one client address</legend>\n"
                + h.number("perIp.max", "SMS", "At most this many asked for by one client IP in the window; "
                + "blank: 20.")
                + h.text("perIp.window", "Window", "ISO-8601; blank: PT10M.")
                + "</fieldset>\n";
        return console.page(ctx, Area.RATE_LIMITS, "Send limits", notice, "<p>Counted by otp-stream across "
                + "every application; each application's own limit is its OTP policy's sends per minute.</p>\n"
                + h.summary() + FormHtml.form("limits-form", ApiPaths.CONSOLE_RATE_LIMITS, console.csrf(ctx),
                FormHtml.hidden(Pages.VERSION, Long.toString(version)), fields, "Save"));
    }

    private static ObjectNode body(Form f) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String limit : LIMITS) {
            ObjectNode l = JsonNodeFactory.instance.objectNode();
            Integer max = f.integer(limit + ".max");
            if (max != null) {
                l.put("max", max);
            }
            String window = f.text(limit + ".window");
            if (window != null) {
                l.put("window", window);
            }
            if (!l.isEmpty()) {
                body.set(limit, l);
            }
        }
        return body;
    }

    private static Form form(JsonNode limits) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String limit : LIMITS) {
            v.put(limit + ".max", limits.path(limit).path("max").asText(""));
            v.put(limit + ".window", limits.path(limit).path("window").asText(""));
        }
        return new Form(v);
    }
}
