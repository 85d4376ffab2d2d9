package io.smsotp.auth.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AdminAuth;
import io.smsotp.auth.admin.AdminServices;
import io.smsotp.auth.admin.UserAdmin;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.self.SelfPages.Viewer;
import io.smsotp.auth.self.SelfSignIn;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;

/**
 * What every console page works with: the signed-in admin (checked by the console's
 * {@link SelfSignIn} before any handler runs), the admin services the admin API uses too, and
 * the users. The console keeps no rule and makes no write of its own: each form becomes one call
 * of those services, whose refusals {@link ConsoleErrors} shows on the form.
 */
final class Console {

    private final SelfSignIn signIn;
    /** Null without the live configuration (no configEncryptionKey). */
    private final AdminServices admin;
    /** Null without the live configuration. */
    private final UserAdmin users;

    Console(SelfSignIn signIn, AdminServices admin, UserAdmin users) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.admin = admin;
        this.users = users;
    }

    /** The providers, applications, limits, test SMS and audit log; a 503 page without the live configuration. */
    AdminServices admin() {
        if (admin == null) {
            throw unavailable();
        }
        return admin;
    }

    /** The users; a 503 page without the live configuration. */
    UserAdmin users() {
        if (users == null) {
            throw unavailable();
        }
        return users;
    }

    Viewer viewer(Context ctx) {
        return signIn.viewer(ctx);
    }

    String csrf(Context ctx) {
        return viewer(ctx).csrf();
    }

    /** Who the audit names for this request's change: {@code admin:<username>}, as AdminAuth spells it. */
    static String actor(Context ctx) {
        AdminAuth.signedIn(ctx, SelfSignIn.session(ctx).username());
        return AdminAuth.admin(ctx).actor();
    }

    /** A page of {@code area} for this request's admin; {@code body} is HTML the caller escaped. */
    String page(Context ctx, ConsoleLayout.Area area, String title, Notice notice, String body) {
        return ConsoleLayout.page(viewer(ctx), area, title, notice, body);
    }

    /** From here on, a refusal by the services shows the form again: {@code page} with the refusal on it. */
    static void onRefusal(Context ctx, Collection<String> fields, String idField, Function<FormError, String> page) {
        ConsoleErrors.onRefusal(ctx, new ConsoleErrors.RefusedForm(fields, idField, page));
    }

    /** After a change: to {@code path} with its notice (POST, redirect, GET: a reload does not post again). */
    static void redirect(Context ctx, String path, String done) {
        ctx.redirect(ConsoleLayout.after(path, done), HttpStatus.SEE_OTHER);
    }

    /** A query parameter or form field the page cannot do without. */
    static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            value = ctx.method().name().equals("POST") ? ctx.formParam(name) : null;
        }
        if (value == null || value.isBlank()) {
            throw new SelfPageException(400, "Which one?", "This page needs " + name + ": open it from its list.",
                    ApiPaths.CONSOLE, "Back to the console");
        }
        return value;
    }

    private static SelfPageException unavailable() {
        return new SelfPageException(503, "The console is not available", "The console changes the live "
                + "configuration, which this deployment does not have: set configEncryptionKey (the same for every "
                + "service) and restart.", null, null);
    }
}
