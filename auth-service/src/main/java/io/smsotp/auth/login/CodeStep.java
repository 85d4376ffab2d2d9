package io.smsotp.auth.login;

import io.javalin.http.Context;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.challenge.ClientIps;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.config.IpRange;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import io.smsotp.logging.ChallengeMdc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2: the SMS code page. A code entry is counted against the account before anything is
 * checked, so guesses sent in parallel are all counted and at most {@code maxFailures} in a row
 * are ever looked at; the entry goes to the challenge's single writer first, and only when the
 * challenge was still pending (the entry used up one of its attempts) may it be a backup code.
 * A challenge that is no longer pending (cancelled, expired, out of attempts, approved) checks
 * nothing. Resend, and the script's question whether the SMS went out, are here too.
 */
final class CodeStep {

    /** Longest code entry looked at: an SMS code is at most 10, backup codes are short. */
    static final int MAX_CODE_INPUT = 64;

    private static final Logger LOG = LoggerFactory.getLogger(CodeStep.class);

    private final UserStore users;
    private final ChallengeCommands commands;
    private final Lockouts lockouts;
    private final List<IpRange> trustedProxies;
    private final LoginForms forms;
    private final Completion completion;

    CodeStep(UserStore users, ChallengeCommands commands, Lockouts lockouts, List<IpRange> trustedProxies,
             LoginForms forms, Completion completion) {
        this.users = Objects.requireNonNull(users, "users");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.lockouts = Objects.requireNonNull(lockouts, "lockouts");
        this.trustedProxies = List.copyOf(trustedProxies);
        this.forms = Objects.requireNonNull(forms, "forms");
        this.completion = Objects.requireNonNull(completion, "completion");
    }

    /** POST {@code /login/otp}: a code ({@code action=continue}) or {@code action=resend}. */
    void otp(Context ctx) {
        LoginForms.Opened opened = forms.open(ctx, LoginContext.Step.SMS_OTP);
        LoginContext context = opened.context();
        AppConfig app = opened.app();
        String action = Objects.requireNonNullElse(ctx.formParam("action"), "continue");
        String code = normalizeCode(ctx.formParam("code"));
        if (action.equals("resend") || code.isEmpty()) {
            forms.claim(opened);
            if (action.equals("resend")) {
                resend(ctx, app, context);
            } else {
                showOtp(ctx, 400, app, context, null, LoginPages.Notice.error("Enter the code from the SMS."));
            }
            return;
        }
        // counted first, before the context is claimed: a replayed or parallel entry costs the same
        Lockouts.Charge charge = lockouts.charge(Lockouts.loginAccount(context.username()), Lockouts.Kind.CODE,
                forms.clock().instant());
        forms.claim(opened);
        if (charge instanceof Lockouts.Charge.Locked locked) {
            // checked before the code is looked at: a right and a wrong code get the same page
            throw completion.locked(app, context, minutesUntil(locked.until()), "codes");
        }
        Lockouts.Charge.Counted counted = (Lockouts.Charge.Counted) charge;
        if (context.challengeId() == null) {
            // no SMS went out (a send limit, a failure): only a backup code can be right
            if (useBackupCode(app, context, code)) {
                lockouts.succeeded(counted);
                completion.finish(ctx, app, context, List.of(AuthenticatedUser.AMR_BACKUP_CODE));
                return;
            }
            wrong(counted, app, context);
            showOtp(ctx, 400, app, context, null, LoginPages.Notice.error("That code is not right. No SMS code "
                    + "has been sent for this sign-in yet: use Resend to get one."));
            return;
        }
        reply(ctx, context.challengeId(), commands.verify(context.challengeId(), app.id(), code), (reply, failure) -> {
            if (failure != null) {
                // nothing was checked: the entry does not count
                lockouts.refund(counted);
                showOtp(ctx, 503, app, context, null, unreachable());
            } else if (reply instanceof OtpEvent.CodeChecked checked) {
                afterCheck(ctx, app, context, counted, checked, code);
            } else {
                // not_found: purged after its lifetime
                wrong(counted, app, context);
                showOtp(ctx, 400, app, context, null, LoginPages.Notice.error(
                        "The code has expired. Use Resend to get a new one."));
            }
        });
    }

    private void afterCheck(Context ctx, AppConfig app, LoginContext context, Lockouts.Charge.Counted counted,
                            OtpEvent.CodeChecked checked, String code) {
        if (checked.valid()) {
            lockouts.succeeded(counted);
            if (context.mobileToCapture() != null) {
                // the number proved to be the user's: only now does it go on the profile, marked as captured
                users.captureMobile(context.username(), context.mobileToCapture(), app.id(), forms.clock().instant());
            }
            completion.finish(ctx, app, context, List.of(AuthenticatedUser.AMR_SMS));
            return;
        }
        // counted: the challenge was pending and this entry used one of its attempts, so it may be a
        // backup code; on a challenge that is no longer pending nothing is checked at all
        if (checked.counted() && useBackupCode(app, context, code)) {
            lockouts.succeeded(counted);
            commands.cancel(context.challengeId(), app.id());
            completion.finish(ctx, app, context, List.of(AuthenticatedUser.AMR_BACKUP_CODE));
            return;
        }
        wrong(counted, app, context);
        ChallengeView view = checked.challenge();
        showAfterWrong(ctx, app, context, view);
    }

    private void showAfterWrong(Context ctx, AppConfig app, LoginContext context, ChallengeView view) {
        switch (view.status()) {
            case PENDING -> showOtp(ctx, 400, app, context, view, LoginPages.Notice.error("That code is not right. "
                    + view.attemptsLeft() + (view.attemptsLeft() == 1 ? " attempt" : " attempts") + " left."));
            case EXPIRED -> showOtp(ctx, 400, app, context, view, LoginPages.Notice.error(
                    "The code has expired. Use Resend to get a new one."));
            case MAX_ATTEMPTS_REACHED -> throw completion.end(403, app, context, "Too many attempts",
                    "Too many wrong codes were entered, so this sign-in was stopped. Start again from "
                            + app.name() + ".");
            case APPROVED, CANCELED -> throw completion.end(400, app, context, "This sign-in is over",
                    "This code was already used. Start again from " + app.name() + ".");
        }
    }

    /** A wrong entry, already counted: when it was the last one allowed, the account is locked and the login ends. */
    private void wrong(Lockouts.Charge.Counted counted, AppConfig app, LoginContext context) {
        Optional<Instant> locked = lockouts.failed(counted, forms.clock().instant());
        if (locked.isPresent()) {
            throw completion.locked(app, context, minutesUntil(locked.get()), "codes");
        }
    }

    private boolean useBackupCode(AppConfig app, LoginContext context, String code) {
        return app.backupCodes() && context.mobileToCapture() == null && users.useBackupCode(context.username(), code);
    }

    private void resend(Context ctx, AppConfig app, LoginContext context) {
        String number = numberFor(app, context);
        if (context.challengeId() == null) {
            sendNewCode(ctx, app, context, number, null);
            return;
        }
        reply(ctx, context.challengeId(), commands.resend(context.challengeId(), app.id(), clientIp(ctx)),
                (reply, failure) -> {
            if (failure != null) {
                showOtp(ctx, 503, app, context, null, unreachable());
            } else if (reply instanceof OtpEvent.SendRateLimited limited) {
                showOtp(ctx, 429, app, context, null, rateLimited(limited));
            } else if (reply instanceof OtpEvent.CodeResent resent) {
                afterResend(ctx, app, context, number, resent);
            } else {
                sendNewCode(ctx, app, context, number, null);
            }
        });
    }

    private void afterResend(Context ctx, AppConfig app, LoginContext context, String number,
                             OtpEvent.CodeResent resent) {
        if (resent.sent()) {
            showOtp(ctx, 200, app, context, resent.challenge(), LoginPages.Notice.ok(
                    "We sent a new code. The previous one no longer works."));
        } else if (OtpEvent.CodeResent.COOLDOWN.equals(resent.refusal())) {
            showOtp(ctx, 429, app, context, resent.challenge(), LoginPages.Notice.error(
                    "Please wait " + waitSeconds(resent.challenge()) + " s before asking for another code."));
        } else if (OtpEvent.CodeResent.LIMIT.equals(resent.refusal())) {
            showOtp(ctx, 429, app, context, resent.challenge(), LoginPages.Notice.error(
                    "No more codes can be sent for this sign-in. Enter the last code you received, "
                            + "or start again later."));
        } else if (resent.challenge().status() == ChallengeStatus.EXPIRED) {
            // a lifetime is never extended: an expired challenge makes way for a new one
            sendNewCode(ctx, app, context, number, null);
        } else {
            showAfterWrong(ctx, app, context, resent.challenge());
        }
    }

    /** Makes a new challenge for {@code e164} and shows the code page for it. */
    void sendNewCode(Context ctx, AppConfig app, LoginContext context, String e164, LoginPages.Notice notice) {
        String id = commands.newChallengeId(e164);
        reply(ctx, id, commands.create(id, app.id(), app.name(), e164, app.otp(), clientIp(ctx)), (reply, failure) -> {
            if (reply instanceof OtpEvent.ChallengeCreated created) {
                showOtp(ctx, 200, app, context.withChallengeId(id), created.challenge(), notice);
                return;
            }
            if (reply instanceof OtpEvent.SendRateLimited limited) {
                // nothing was sent and no challenge exists; Resend tries again once the limit allows
                showOtp(ctx, 429, app, context.withChallengeId(null), null, rateLimited(limited));
                return;
            }
            if (failure != null) {
                LOG.warn("login for client {}: no challenge made: {}", app.id(), failure.toString());
            } else {
                LOG.warn("login for client {}: challenge refused: {}", app.id(), reply);
            }
            // the login stays on the code page without a challenge; Resend tries again
            showOtp(ctx, 503, app, context.withChallengeId(null), null, LoginPages.Notice.error(
                    "The SMS could not be sent just now. Use Resend to try again."));
        });
    }

    /** POST {@code /login/otp/status}: the code page's script asks whether the SMS was sent, failed, or is queued. */
    void deliveryStatus(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Optional<LoginForms.Opened> opened = forms.openQuietly(ctx, LoginContext.Step.SMS_OTP);
        if (opened.isEmpty() || opened.get().context().challengeId() == null) {
            ctx.status(400).json(Map.of("error", "invalid_login"));
            return;
        }
        LoginContext context = opened.get().context();
        ctx.future(() -> commands.status(context.challengeId(), opened.get().app().id()).handle((reply, failure) -> {
            if (reply instanceof OtpEvent.ChallengeState state) {
                ctx.json(Map.of("delivery", state.challenge().delivery().wireName(),
                        "status", state.challenge().status().wireName()));
            } else {
                ctx.status(failure != null ? 503 : 404).json(Map.of("error", failure != null ? "unavailable"
                        : "not_found"));
            }
            return null;
        }).toCompletableFuture());
    }

    private void showOtp(Context ctx, int status, AppConfig app, LoginContext context, ChallengeView view,
                         LoginPages.Notice notice) {
        String number = view != null ? view.to() : numberFor(app, context);
        boolean pending = view != null && view.status() == ChallengeStatus.PENDING;
        boolean canResend = view == null || !pending || view.resendAvailableAt() != null;
        LoginPages.Notice shown = notice;
        if (shown == null && view != null && view.delivery() == Delivery.FAILED) {
            shown = LoginPages.Notice.error("The SMS could not be sent. Use Resend to try again.");
        }
        boolean backupHint = app.backupCodes() && context.mobileToCapture() == null
                && users.find(context.username()).map(u -> u.backupCodesLeft() > 0).orElse(false);
        ctx.status(status).html(LoginPages.otp(new LoginPages.OtpPage(app.name(), context.challengeId() != null,
                number == null ? null : PhoneNumbers.mask(number), forms.seal(context), forms.csrf(context), shown,
                backupHint, pending ? waitSeconds(view) : 0, canResend,
                pending && view.delivery() == Delivery.QUEUED)));
    }

    /**
     * Renders when {@code stage} completes, without holding a request thread; whatever
     * {@code then} throws is answered by {@link LoginErrors}. What is logged meanwhile (a lockout,
     * the login's end, a fault) carries {@code challengeId} in the logging MDC.
     */
    private void reply(Context ctx, String challengeId, CompletionStage<OtpEvent> stage,
                       BiConsumer<OtpEvent, Throwable> then) {
        ctx.future(() -> stage.handle((reply, failure) -> {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(challengeId)) {
                then.accept(reply, unwrap(failure));
            } catch (RuntimeException e) {
                LoginErrors.answer(ctx, e, forms.https());
            }
            return null;
        }).toCompletableFuture());
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private String numberFor(AppConfig app, LoginContext context) {
        if (context.mobileToCapture() != null) {
            return context.mobileToCapture();
        }
        return users.find(context.username()).flatMap(u -> u.mobileNumberFor(app.captureMobile())).orElse(null);
    }

    private String clientIp(Context ctx) {
        return ClientIps.of(ctx, trustedProxies);
    }

    private long waitSeconds(ChallengeView view) {
        if (view == null || view.resendAvailableAt() == null) {
            return 0;
        }
        long millis = Duration.between(forms.clock().instant(), view.resendAvailableAt()).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private long minutesUntil(Instant until) {
        return Math.max(1, (Duration.between(forms.clock().instant(), until).toSeconds() + 59) / 60);
    }

    private LoginPages.Notice rateLimited(OtpEvent.SendRateLimited limited) {
        long seconds = Math.max(1, Duration.between(forms.clock().instant(), limited.retryAt()).toSeconds());
        String wait = seconds < 90 ? seconds + " seconds" : ((seconds + 59) / 60) + " minutes";
        String what = switch (limited.limit()) {
            case OtpEvent.SendRateLimited.PER_NUMBER -> "Too many codes have been sent to this number.";
            case OtpEvent.SendRateLimited.PER_IP -> "Too many codes have been asked for from your network.";
            default -> "Too many codes are being sent just now.";
        };
        return LoginPages.Notice.error(what + " Try again in " + wait + ".");
    }

    private static LoginPages.Notice unreachable() {
        return LoginPages.Notice.error("We could not reach the code service just now. Please try again.");
    }

    /** What the user typed, without the spaces and dashes people put in codes, upper case; bounded. */
    static String normalizeCode(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length() && sb.length() <= MAX_CODE_INPUT; i++) {
            char c = raw.charAt(i);
            if (!Character.isWhitespace(c) && c != '-') {
                sb.append(c);
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
