package io.smsotp.auth.account;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AuditTrail;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.self.Sealer;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.self.SelfSignIn;
import io.smsotp.auth.self.SessionKey;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.SignIns;
import io.smsotp.auth.users.User;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.IpRange;
import io.smsotp.config.live.LiveConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The route table of the account page, where every user manages their own second factor: the
 * mobile number (changed only once a code sent to the new number verifies), SMS codes off or on
 * (off only where an application allows it), new backup codes (shown once), recent sign-ins.
 * Every path under it needs the account session ({@link SelfSignIn}), every form its CSRF token,
 * and every change is audited in the same transaction as the change itself.
 */
public final class AccountRoutes {

    /** The notices a change redirects to the page with: fixed texts, so a link cannot make the page say anything. */
    private static final Map<String, String> DONE = Map.of(
            "mobile", "Your mobile number is changed. We sent a message to your previous number to tell it.",
            "mobile-untold", "Your mobile number is changed. The message to your previous number could not be sent.",
            "sms-off", "SMS codes are off.",
            "sms-on", "SMS codes are on.");

    private final SelfSignIn signIn;
    private final Supplier<LiveConfig> live;
    private final AccountChanges changes;
    private final AccountView view;
    private final MobileChange mobile;
    private final String css = resource("self/pages.css");

    /**
     * @param signIn the account area's sign-in ({@code SelfClient.ACCOUNT})
     * @param trail the audit log, or null when the configuration is the file's (changes are then only logged)
     * @param trustedProxies for the client address the code's send limit counts
     */
    public AccountRoutes(SelfSignIn signIn, UserStore users, ChallengeCommands commands, SignIns signIns,
                         Supplier<LiveConfig> live, AuditTrail trail, SessionKey key, List<IpRange> trustedProxies,
                         Clock clock) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.live = Objects.requireNonNull(live, "live");
        this.changes = new AccountChanges(users.profiles(), trail, clock);
        this.view = new AccountView(signIn, users, signIns, live);
        this.mobile = new MobileChange(commands, live, changes, view, signIn, new Sealer(key), trustedProxies, clock);
    }

    public void register(RoutesConfig routes) {
        signIn.register(routes);
        routes.get(ApiPaths.ACCOUNT, this::show);
        routes.post(ApiPaths.ACCOUNT_MOBILE, mobile::start);
        routes.post(ApiPaths.ACCOUNT_MOBILE_CONFIRM, mobile::confirm);
        routes.post(ApiPaths.ACCOUNT_SMS_OTP, this::smsOtp);
        routes.post(ApiPaths.ACCOUNT_BACKUP_CODES, this::backupCodes);
        routes.get(ApiPaths.ACCOUNT_CSS, ctx -> {
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType("text/css; charset=utf-8").result(css);
        });
    }

    /** GET {@code /account}. */
    private void show(Context ctx) {
        String done = DONE.get(Objects.requireNonNullElse(ctx.queryParam("done"), ""));
        view.show(ctx, 200, done == null ? null : Notice.ok(done), null);
    }

    /** POST {@code /account/sms-otp}: {@code disable=true} turns codes off (where allowed), {@code false} back on. */
    private void smsOtp(Context ctx) {
        String value = ctx.formParam("disable");
        if (!"true".equals(value) && !"false".equals(value)) {
            throw new SelfPageException(400, "The form could not be read", "Choose whether SMS codes are on or off.",
                    ApiPaths.ACCOUNT, "Back to your account");
        }
        boolean disable = Boolean.parseBoolean(value);
        if (disable && !OptOut.of(live.get()).allowed()) {
            throw new SelfPageException(403, "SMS codes stay on", "No application lets users sign in without an "
                    + "SMS code, so they cannot be turned off.", ApiPaths.ACCOUNT, "Back to your account");
        }
        User user = view.user(ctx);
        if (user.disableSmsOtp() != disable) {
            changes.edit(user.username(), disable ? "user.smsOtp.disable" : "user.smsOtp.enable",
                    p -> new ProfileEdit(p.mobile(), disable, p.roles()));
        }
        ctx.redirect(ApiPaths.ACCOUNT + "?done=" + (disable ? "sms-off" : "sms-on"), HttpStatus.SEE_OTHER);
    }

    /** POST {@code /account/backup-codes}: new codes replace the old, shown in this answer only. */
    private void backupCodes(Context ctx) {
        User user = view.user(ctx);
        List<String> codes = changes.newBackupCodes(user.username()).codes();
        ctx.html(AccountPages.newBackupCodes(signIn.viewer(ctx), codes));
    }

    private static String resource(String name) {
        try (InputStream in = AccountRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
