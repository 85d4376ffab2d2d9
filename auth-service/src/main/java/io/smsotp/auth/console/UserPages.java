package io.smsotp.auth.console;

import static io.smsotp.auth.http.Html.text;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.console.ConsoleLayout.Area;
import io.smsotp.auth.http.IfMatch;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.auth.users.UserProfiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users' pages: search a page at a time, add, edit the profile (mobile, SMS OTP off, roles),
 * new backup codes (shown once), unlock, delete with a confirmation.
 */
final class UserPages {

    static final int PAGE = 50;
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String MOBILE = "claims.mobile";
    static final String DISABLE = "claims.disable_sms_otp";
    static final String ROLES = "claims.roles";
    private static final List<String> FIELDS = List.of(USERNAME, PASSWORD, MOBILE, DISABLE, ROLES);

    private final Console console;

    UserPages(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        routes.get(ApiPaths.CONSOLE_USERS, this::list);
        routes.get(ApiPaths.CONSOLE_USER_NEW, ctx -> ctx.html(newPage(ctx, Form.empty(), null)));
        routes.post(ApiPaths.CONSOLE_USER_NEW, this::create);
        routes.get(ApiPaths.CONSOLE_USER_EDIT, ctx -> {
            UserProfile user = console.users().get(username(ctx));
            ctx.html(editPage(ctx, user, user.version(), form(user), null, ConsoleLayout.done(ctx.queryParam("done"))));
        });
        routes.post(ApiPaths.CONSOLE_USER_EDIT, this::save);
        routes.post(ApiPaths.CONSOLE_USER_BACKUP_CODES, this::backupCodes);
        routes.post(ApiPaths.CONSOLE_USER_UNLOCK, ctx -> {
            String username = username(ctx);
            console.users().unlock(Console.actor(ctx), username, null);
            Console.redirect(ctx, editPath(username), "user-unlocked");
        });
        routes.get(ApiPaths.CONSOLE_USER_DELETE, this::confirmDelete);
        routes.post(ApiPaths.CONSOLE_USER_DELETE, ctx -> {
            console.users().delete(Console.actor(ctx), username(ctx), IfMatch.of(Console.required(ctx, Pages.VERSION)));
            Console.redirect(ctx, ApiPaths.CONSOLE_USERS, "user-deleted");
        });
    }

    private void list(Context ctx) {
        String q = ctx.queryParam("q");
        int offset = Pages.offset(ctx);
        UserProfiles.Page page = console.users().list(q, offset, PAGE);
        List<String> rows = new ArrayList<>();
        for (UserProfile u : page.items()) {
            rows.add(ConsoleLayout.row(
                    ConsoleLayout.link(editPath(u.username()), u.username(), null),
                    text(u.mobile() == null ? "none" : PhoneNumbers.mask(u.mobile())),
                    u.disableSmsOtp() ? "off" : "on", text(String.join(", ", u.roles())),
                    Integer.toString(u.backupCodesLeft()),
                    text(u.locked() ? "until " + u.lockedUntil() : "")));
        }
        String query = q == null ? "" : "q=" + Pages.query(q) + "&";
        String paging = "<p class=\"actions\" id=\"paging\">"
                + (page.items().isEmpty() ? "" : "Users " + (offset + 1) + " to " + (offset + page.items().size())
                + " of " + page.total() + ". ")
                + (offset > 0 ? ConsoleLayout.link(ApiPaths.CONSOLE_USERS + "?" + query + "offset="
                + Math.max(0, offset - PAGE), "Previous", "previous") : "")
                + (offset + page.items().size() < page.total() ? " " + ConsoleLayout.link(ApiPaths.CONSOLE_USERS + "?"
                + query + "offset=" + (offset + PAGE), "Next", "next") : "") + "</p>\n";
        String search = "<form method=\"get\" action=\"" + ApiPaths.CONSOLE_USERS + "\" id=\"search-form\" "
                + "class=\"search\"><label for=\"q\">Search by username or number</label><input type=\"search\" "
                + "id=\"q\" name=\"q\" value=\"" + text(q) + "\"><button type=\"submit\">Search</button></form>\n";
        ctx.html(console.page(ctx, Area.USERS, "Users", ConsoleLayout.done(ctx.queryParam("done")), search
                + ConsoleLayout.table("users", List.of("Username", "Mobile", "SMS OTP", "Roles", "Backup codes",
                "Locked"), rows, q == null || q.isBlank() ? "No users yet." : "No user matches.") + paging
                + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_USER_NEW, "Add a user", "add-user")
                + "</p>"));
    }

    private String newPage(Context ctx, Form values, FormError error) {
        FormHtml h = new FormHtml(values, error);
        return console.page(ctx, Area.USERS, "Add a user", null, h.summary() + FormHtml.form("user-form",
                ApiPaths.CONSOLE_USER_NEW, console.csrf(ctx), "", h.text(USERNAME, "Username", "1..128 characters "
                        + "without spaces; unique in any case.")
                        + h.password(PASSWORD, "Password", "The user signs in with it, then with the SMS code.")
                        + profileFields(h), "Add user"));
    }

    private void create(Context ctx) {
        Form form = Form.of(ctx);
        Console.onRefusal(ctx, FIELDS, USERNAME, e -> newPage(ctx, form, e));
        console.users().create(Console.actor(ctx), form.text(USERNAME), form.raw(PASSWORD), profile(form));
        Console.redirect(ctx, ApiPaths.CONSOLE_USERS, "user-added");
    }

    private String editPage(Context ctx, UserProfile user, String version, Form values, FormError error,
                            Notice notice) {
        String csrf = console.csrf(ctx);
        FormHtml h = new FormHtml(values, error);
        String name = FormHtml.hidden(USERNAME, user.username());
        String lock = user.locked() ? "<section id=\"lock\"><h2>Locked</h2><p>The login refuses this user until "
                + text(user.lockedUntil().toString()) + " (too many wrong passwords or codes).</p>"
                + FormHtml.form("unlock-form", ApiPaths.CONSOLE_USER_UNLOCK, csrf, name, "", "Unlock") + "</section>\n"
                : "";
        return console.page(ctx, Area.USERS, "User " + user.username(), notice, h.summary()
                + FormHtml.form("user-form", ApiPaths.CONSOLE_USER_EDIT, csrf, name
                        + FormHtml.hidden(Pages.VERSION, version), profileFields(h), "Save")
                + "<section id=\"backup\"><h2>Backup codes</h2><p id=\"backup-left\">" + user.backupCodesLeft()
                + " unused. New codes replace them all and are shown once.</p>"
                + FormHtml.form("backup-form", ApiPaths.CONSOLE_USER_BACKUP_CODES, csrf, name, "",
                "Generate backup codes") + "</section>\n" + lock
                + "<p class=\"actions\">" + ConsoleLayout.link(ApiPaths.CONSOLE_USER_DELETE + "?username="
                + Pages.query(user.username()), "Delete this user", "delete-user") + "</p>");
    }

    private void save(Context ctx) {
        String username = username(ctx);
        String version = Console.required(ctx, Pages.VERSION);
        Form form = Form.of(ctx);
        UserProfile shown = console.users().get(username);
        Console.onRefusal(ctx, FIELDS, null, e -> editPage(ctx, shown, version, form, e, null));
        console.users().replace(Console.actor(ctx), username, IfMatch.of(version), profile(form));
        Console.redirect(ctx, editPath(username), "user-saved");
    }

    private void backupCodes(Context ctx) {
        String username = username(ctx);
        UserProfiles.IssuedCodes issued = console.users().newBackupCodes(Console.actor(ctx), username, null);
        StringBuilder list = new StringBuilder();
        issued.codes().forEach(c -> list.append("<li class=\"code\">").append(text(c)).append("</li>\n"));
        ctx.html(console.page(ctx, Area.USERS, "New backup codes for " + username, Notice.ok("Give these to "
                        + username + " now: they are shown only on this page. The previous codes no longer work."),
                "<ol id=\"backup-codes\">\n" + list + "</ol>\n<p class=\"actions\">"
                        + ConsoleLayout.link(editPath(username), "Back to " + username, "back") + "</p>"));
    }

    private void confirmDelete(Context ctx) {
        UserProfile user = console.users().get(username(ctx));
        ctx.html(console.page(ctx, Area.USERS, "Delete user " + user.username() + "?", null,
                Pages.confirm(ApiPaths.CONSOLE_USER_DELETE, console.csrf(ctx), FormHtml.hidden(USERNAME,
                        user.username()) + FormHtml.hidden(Pages.VERSION, user.version()), "The user, their backup "
                        + "codes, roles, lock and sign-ins to applications are deleted.", "Delete user",
                        ApiPaths.CONSOLE_USERS)));
    }

    private static String profileFields(FormHtml h) {
        return h.text(MOBILE, "Mobile number", "E.164: + and the country code, digits only (+15551234567); "
                + "blank: none.")
                + h.checkbox(DISABLE, "Disable SMS OTP", "Applications that allow it sign this user in with the "
                + "password alone.")
                + h.text(ROLES, "Roles", "Separated by commas; admin opens this console.");
    }

    /** The profile the form describes; {@link ProfileEdit} refuses a bad field, naming it. */
    private static ProfileEdit profile(Form form) {
        return new ProfileEdit(form.text(MOBILE), form.checked(DISABLE), form.items(ROLES));
    }

    private static Form form(UserProfile user) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(MOBILE, user.mobile() == null ? "" : user.mobile());
        if (user.disableSmsOtp()) {
            v.put(DISABLE, Form.ON);
        }
        v.put(ROLES, String.join(", ", user.roles()));
        return new Form(v);
    }


    private static String editPath(String username) {
        return ApiPaths.CONSOLE_USER_EDIT + "?username=" + Pages.query(username);
    }

    private static String username(Context ctx) {
        return Console.required(ctx, USERNAME);
    }
}
