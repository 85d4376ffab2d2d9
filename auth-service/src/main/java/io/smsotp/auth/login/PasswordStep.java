package io.smsotp.auth.login;

import io.javalin.http.Context;
import io.smsotp.auth.challenge.ClientIps;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.lockout.PasswordThrottle;
import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.users.HashingGate;
import io.smsotp.auth.users.User;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.config.IpRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Step 1, username and password, and the mobile number page that follows it for a profile
 * without a number (where the application captures numbers).
 *
 * <p>Before a password is checked, the attempt is counted as failed for the client IP and for
 * the account named (known or not, so no one learns which exist), and a locked account or a
 * throttled address is refused without checking anything: a right and a wrong password get the
 * same page. The check itself (Argon2id) runs through a {@link HashingGate}: about one per core,
 * a short queue, and 503 past it.
 */
final class PasswordStep {

    private final UserStore users;
    private final Lockouts lockouts;
    private final PasswordThrottle throttle;
    private final HashingGate gate;
    private final List<IpRange> trustedProxies;
    private final LoginForms forms;
    private final CodeStep codes;
    private final Completion completion;

    PasswordStep(UserStore users, Lockouts lockouts, PasswordThrottle throttle, HashingGate gate,
                 List<IpRange> trustedProxies, LoginForms forms, CodeStep codes, Completion completion) {
        this.users = Objects.requireNonNull(users, "users");
        this.lockouts = Objects.requireNonNull(lockouts, "lockouts");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.trustedProxies = List.copyOf(trustedProxies);
        this.forms = Objects.requireNonNull(forms, "forms");
        this.codes = Objects.requireNonNull(codes, "codes");
        this.completion = Objects.requireNonNull(completion, "completion");
    }

    /** What checking one password came to. */
    private sealed interface Outcome {
        record Throttled(Instant until) implements Outcome {
        }

        record Locked(Instant until) implements Outcome {
        }

        record Wrong(Optional<Instant> lockedNow) implements Outcome {
        }

        record Right(User user) implements Outcome {
        }
    }

    /** POST {@code /login/password}. */
    void password(Context ctx) {
        LoginForms.Opened opened = forms.open(ctx, LoginContext.Step.PASSWORD);
        forms.claim(opened);
        LoginContext context = opened.context();
        AppConfig app = opened.app();
        String username = limit(ctx.formParam("username"), 256);
        String password = limit(ctx.formParam("password"), 1024);
        if (username.isEmpty() || password.isEmpty()) {
            showPassword(ctx, 400, app, context, username, "Enter your username and password.");
            return;
        }
        Outcome outcome;
        try {
            outcome = gate.run(() -> check(username, password, ClientIps.of(ctx, trustedProxies)));
        } catch (HashingGate.Busy e) {
            ctx.header("Retry-After", "2");
            showPassword(ctx, 503, app, context, username, "Too many sign-ins are being checked just now. "
                    + "Please try again in a moment.");
            return;
        }
        if (outcome instanceof Outcome.Throttled t) {
            showPassword(ctx, 429, app, context, username,
                    "Too many failed sign-ins came from your network. Try again in " + wait(t.until()) + ".");
        } else if (outcome instanceof Outcome.Locked l) {
            showLocked(ctx, app, context, username, l.until());
        } else if (outcome instanceof Outcome.Wrong w && w.lockedNow().isPresent()) {
            showLocked(ctx, app, context, username, w.lockedNow().get());
        } else if (outcome instanceof Outcome.Wrong) {
            // one message, one status, and (the store hashes for unknown users too) one cost for both causes
            showPassword(ctx, 401, app, context, username, "Incorrect username or password.");
        } else {
            afterPassword(ctx, app, context, ((Outcome.Right) outcome).user());
        }
    }

    private Outcome check(String username, String password, String ip) {
        Instant now = forms.clock().instant();
        Optional<Instant> throttled = throttle.charge(ip, now);
        if (throttled.isPresent()) {
            return new Outcome.Throttled(throttled.get());
        }
        Lockouts.Charge charge = lockouts.charge(Lockouts.loginAccount(username), Lockouts.Kind.PASSWORD, now);
        if (charge instanceof Lockouts.Charge.Locked locked) {
            return new Outcome.Locked(locked.until());
        }
        Lockouts.Charge.Counted counted = (Lockouts.Charge.Counted) charge;
        Optional<User> user = users.checkPassword(username, password);
        if (user.isEmpty()) {
            return new Outcome.Wrong(lockouts.failed(counted, forms.clock().instant()));
        }
        lockouts.succeeded(counted);
        throttle.refund(ip);
        return new Outcome.Right(user.get());
    }

    private void afterPassword(Context ctx, AppConfig app, LoginContext context, User user) {
        Instant now = forms.clock().instant();
        switch (SecondStep.of(app, user)) {
            case NONE -> completion.finish(ctx, app, context.afterPassword(user.username(), now,
                    LoginContext.Step.SMS_OTP), List.of(AuthenticatedUser.AMR_PASSWORD));
            case REFUSE_OPTED_OUT -> throw completion.end(403, app, context, "SMS verification is required",
                    app.name() + " requires a code by SMS, and SMS codes are turned off for your account. "
                            + "Turn them back on, or ask your administrator.");
            case REFUSE_NO_MOBILE -> throw completion.end(403, app, context, "No mobile number",
                    "There is no mobile number on your profile, so no code can be sent. "
                            + "Ask your administrator to add one.");
            case CAPTURE_MOBILE -> {
                LoginContext next = context.afterPassword(user.username(), now, LoginContext.Step.CAPTURE_MOBILE);
                ctx.html(LoginPages.mobile(app.name(), forms.seal(next), forms.csrf(next), null, null));
            }
            case SMS -> {
                LoginContext next = context.afterPassword(user.username(), now, LoginContext.Step.SMS_OTP);
                String number = user.mobileNumberFor(app.captureMobile()).orElseThrow();
                if (!app.allowsCountry(PhoneNumbers.countryCode(number))) {
                    throw completion.end(403, app, next, "No code can be sent", app.name()
                            + " does not send codes to numbers of your mobile number's country.");
                }
                codes.sendNewCode(ctx, app, next, number, null);
            }
        }
    }

    /** POST {@code /login/mobile}: the number to capture; the code goes there, the profile changes only once it verifies. */
    void mobile(Context ctx) {
        LoginForms.Opened opened = forms.open(ctx, LoginContext.Step.CAPTURE_MOBILE);
        forms.claim(opened);
        LoginContext context = opened.context();
        AppConfig app = opened.app();
        String entered = limit(ctx.formParam("mobile"), 64);
        PhoneNumbers.Parsed number;
        try {
            number = PhoneNumbers.parse(entered);
        } catch (ApiException e) {
            showMobile(ctx, app, context, entered, "That is not a mobile number we can send to. Enter it with + and "
                    + "the country code, e.g. +44 7700 900123.");
            return;
        }
        if (!app.allowsCountry(number.countryCode())) {
            showMobile(ctx, app, context, entered, app.name() + " does not send codes to numbers of that country.");
            return;
        }
        String e164 = number.e164();
        codes.sendNewCode(ctx, app, context.atStep(LoginContext.Step.SMS_OTP).withMobileToCapture(e164), e164, null);
    }

    private void showPassword(Context ctx, int status, AppConfig app, LoginContext context, String username,
                              String error) {
        ctx.status(status).html(LoginPages.password(app.name(), forms.seal(context), forms.csrf(context), username,
                LoginPages.Notice.error(error)));
    }

    private void showLocked(Context ctx, AppConfig app, LoginContext context, String username, Instant until) {
        showPassword(ctx, 403, app, context, username, "This account is locked after too many failed attempts. "
                + "Try again in " + wait(until) + ".");
    }

    private void showMobile(Context ctx, AppConfig app, LoginContext context, String entered, String error) {
        ctx.status(400).html(LoginPages.mobile(app.name(), forms.seal(context), forms.csrf(context), entered,
                LoginPages.Notice.error(error)));
    }

    private String wait(Instant until) {
        long seconds = Math.max(1, Duration.between(forms.clock().instant(), until).toSeconds());
        return seconds < 90 ? seconds + " seconds" : ((seconds + 59) / 60) + " minutes";
    }

    static String limit(String value, int max) {
        if (value == null) {
            return "";
        }
        return value.length() > max ? value.substring(0, max) : value;
    }
}
