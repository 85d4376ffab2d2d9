package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AdminServices;
import io.smsotp.auth.admin.UserAdmin;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.self.SelfSignIn;
import java.util.Objects;

/**
 * The management console at {@link ApiPaths#CONSOLE}: server-rendered pages over the same admin
 * services as the admin API (providers, applications, send limits, test SMS, the audit log) and
 * the users. Every page needs the console's session with the {@code admin} role ({@link SelfSignIn}
 * signs in through smsotp's own hosted login and checks the role and every form's CSRF token
 * before a handler runs); every change goes through one service call, audited as
 * {@code admin:<username>}, then redirects (post, redirect, get), except where the answer shows a
 * secret once. Refusals are shown on the form by {@link ConsoleErrors}.
 */
public final class ConsoleRoutes {

    private final SelfSignIn signIn;
    private final Console console;

    /**
     * @param signIn the console's sign-in ({@code SelfClient.CONSOLE})
     * @param admin the admin services, or null without the live configuration (every page then says so, 503)
     * @param users what admins may do to users, or null likewise
     */
    public ConsoleRoutes(SelfSignIn signIn, AdminServices admin, UserAdmin users) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.console = new Console(signIn, admin, users);
    }

    public void register(RoutesConfig routes) {
        signIn.register(routes);
        routes.get(ApiPaths.CONSOLE, this::overview);
        new ProviderPages(console).register(routes);
        new AppPages(console).register(routes);
        new UserPages(console).register(routes);
        new RateLimitPages(console).register(routes);
        new AuditPages(console).register(routes);
    }

    private void overview(Context ctx) {
        AdminServices admin = console.admin();
        int providers = admin.providers().list().size();
        int apps = admin.apps().list().size();
        int users = console.users().list(null, 0, 1).total();
        String body = "<ul class=\"overview\" id=\"overview\">"
                + item(Area.PROVIDERS, providers + (providers == 1 ? " provider" : " providers")
                + " in failover order; add, reorder, send a test SMS.")
                + item(Area.APPS, apps + (apps == 1 ? " application" : " applications")
                + ": login steps, redirect URIs, OTP policy, keys and secrets.")
                + item(Area.USERS, users + (users == 1 ? " user" : " users")
                + ": mobile numbers, SMS OTP off, roles, backup codes, locks.")
                + item(Area.RATE_LIMITS, "SMS to one number and from one client address.")
                + item(Area.AUDIT, "Every change: who, when, what, before and after.")
                + "</ul>\n<p class=\"hint\">Changes are live on every instance as soon as they are saved.</p>";
        ctx.html(console.page(ctx, Area.OVERVIEW, "smsotp console", null, body));
    }

    private static String item(Area area, String what) {
        return "<li><a href=\"" + text(area.path) + "\">" + text(area.label) + "</a>: " + text(what) + "</li>";
    }
}
