package io.smsotp.auth.account;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.challenge.ChallengeIds;
import io.smsotp.auth.challenge.ClientIps;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.self.BuiltInClients;
import io.smsotp.auth.self.Sealer;
import io.smsotp.auth.self.SelfErrors;
import io.smsotp.auth.self.SelfPageException;
import io.smsotp.auth.self.SelfPages.Notice;
import io.smsotp.auth.self.SelfSignIn;
import io.smsotp.auth.self.Session;
import io.smsotp.auth.users.ProfileEdit;
import io.smsotp.auth.users.User;
import io.smsotp.config.AppConfig;
import io.smsotp.config.IpRange;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.events.OtpEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changing the mobile number: a code goes to the new number through the normal challenge path
 * (as client {@value BuiltInClients#ACCOUNT}), and only the one verify that approves that
 * challenge saves the number; then the previous number is told by SMS. The change waits in the
 * code page's form, sealed and bound to the session ({@link PendingMobile}).
 */
final class MobileChange {

    private static final Logger LOG = LoggerFactory.getLogger(MobileChange.class);
    private static final int MAX_CODE_INPUT = 64;

    private final ChallengeCommands commands;
    private final Supplier<LiveConfig> live;
    private final AccountChanges changes;
    private final AccountView view;
    private final SelfSignIn signIn;
    private final Sealer sealer;
    private final List<IpRange> trustedProxies;
    private final Clock clock;
    private final ChallengeIds ids = new ChallengeIds();

    MobileChange(ChallengeCommands commands, Supplier<LiveConfig> live, AccountChanges changes, AccountView view,
                 SelfSignIn signIn, Sealer sealer, List<IpRange> trustedProxies, Clock clock) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.live = Objects.requireNonNull(live, "live");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.view = Objects.requireNonNull(view, "view");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.trustedProxies = List.copyOf(trustedProxies);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** POST {@code /account/mobile}: the new number; a code goes to it. */
    void start(Context ctx) {
        Session session = SelfSignIn.session(ctx);
        User user = view.user(ctx);
        String entered = limit(ctx.formParam("mobile"), 64);
        String e164;
        try {
            e164 = PhoneNumbers.toE164(entered);
        } catch (ApiException e) {
            view.show(ctx, 400, Notice.error("That is not a mobile number we can send to. Enter it with + and the "
                    + "country code, e.g. +44 7700 900123."), entered);
            return;
        }
        if (e164.equals(user.mobile())) {
            view.show(ctx, 400, Notice.error("That is already your number."), entered);
            return;
        }
        AppConfig app = app();
        String id = commands.newChallengeId(e164);
        CompletionStage<OtpEvent> created = commands.create(id, app.id(), app.name(), e164, app.otp(),
                ClientIps.of(ctx, trustedProxies));
        answer(ctx, created.handle((reply, failure) -> {
            if (reply instanceof OtpEvent.ChallengeCreated c) {
                showConfirm(ctx, 200, new PendingMobile(session.id(), session.username(), e164, id,
                        c.challenge().expiresAt()), null);
            } else if (reply instanceof OtpEvent.SendRateLimited limited) {
                long seconds = Math.max(1, Duration.between(clock.instant(), limited.retryAt()).toSeconds());
                view.show(ctx, 429, Notice.error("Too many codes have been sent just now. Try again in "
                        + (seconds < 90 ? seconds + " seconds." : (seconds + 59) / 60 + " minutes.")), entered);
            } else {
                LOG.warn("number change of {}: no challenge made: {}", session.username(),
                        failure != null ? unwrap(failure).toString() : reply);
                view.show(ctx, 503, Notice.error("The code could not be sent just now. Try again."), entered);
            }
            return null;
        }));
    }

    /** POST {@code /account/mobile/confirm}: the code sent to the new number. */
    void confirm(Context ctx) {
        Session session = SelfSignIn.session(ctx);
        PendingMobile pending = sealer.open(ctx.formParam(PendingMobile.FIELD), PendingMobile.PURPOSE,
                        PendingMobile.class)
                .filter(p -> p.sessionId().equals(session.id()) && p.username().equals(session.username())
                        && clock.instant().isBefore(p.expiresAt()))
                .orElseThrow(() -> startAgain(400, "This change has expired", "The code for this number change has "
                        + "expired or was asked for in another session. Your number was not changed."));
        String code = normalize(ctx.formParam("code"));
        if (code.isEmpty()) {
            showConfirm(ctx, 400, pending, Notice.error("Enter the code from the SMS."));
            return;
        }
        CompletionStage<OtpEvent> verified = commands.verify(pending.challengeId(), app().id(), code);
        answer(ctx, verified.handle((reply, failure) -> afterVerify(ctx, pending, reply, unwrap(failure)))
                .thenCompose(next -> next));
    }

    private CompletionStage<Void> afterVerify(Context ctx, PendingMobile pending, OtpEvent reply, Throwable failure) {
        if (failure != null) {
            showConfirm(ctx, 503, pending, Notice.error("We could not check the code just now. Try again."));
            return done();
        }
        if (!(reply instanceof OtpEvent.CodeChecked checked)) {
            // not_found: purged after its lifetime
            throw expiredCode();
        }
        if (checked.valid()) {
            // the one verify that approved the challenge: no other post of this form can get here
            return save(ctx, pending);
        }
        switch (checked.challenge().status()) {
            case PENDING -> showConfirm(ctx, 400, pending, Notice.error("That code is not right. "
                    + checked.challenge().attemptsLeft()
                    + (checked.challenge().attemptsLeft() == 1 ? " attempt" : " attempts") + " left."));
            case EXPIRED -> throw expiredCode();
            case MAX_ATTEMPTS_REACHED -> throw startAgain(403, "Too many wrong codes", "Too many wrong codes were "
                    + "entered. Your number was not changed.");
            case APPROVED, CANCELED -> throw startAgain(400, "This code was already used", "This code was used "
                    + "already; the change it confirmed is not made a second time.");
        }
        return done();
    }

    private CompletionStage<Void> save(Context ctx, PendingMobile pending) {
        String username = pending.username();
        String previous = changes.edit(username, "user.mobile.change",
                p -> new ProfileEdit(pending.mobile(), p.disableSmsOtp(), p.roles())).before().mobile();
        LOG.info("{} changed their mobile number to {} through the account page", username,
                PhoneNumbers.mask(pending.mobile()));
        if (previous == null || previous.equals(pending.mobile())) {
            ctx.redirect(ApiPaths.ACCOUNT + "?done=mobile", HttpStatus.SEE_OTHER);
            return done();
        }
        AppConfig app = app();
        String text = "Your " + app.name() + " " + username + " now uses the mobile number "
                + PhoneNumbers.mask(pending.mobile()) + ". If you did not change it, contact your administrator.";
        return commands.notice(ids.next(), app.id(), previous, text).handle((reply, failure) -> {
            boolean told = reply instanceof OtpEvent.NoticeQueued;
            if (!told) {
                LOG.warn("the notice of {}'s number change to the previous number was not sent: {}", username,
                        failure != null ? unwrap(failure).toString() : reply);
            }
            ctx.redirect(ApiPaths.ACCOUNT + "?done=" + (told ? "mobile" : "mobile-untold"), HttpStatus.SEE_OTHER);
            return null;
        });
    }

    private void showConfirm(Context ctx, int status, PendingMobile pending, Notice notice) {
        ctx.status(status).html(AccountPages.confirmMobile(signIn.viewer(ctx), PhoneNumbers.mask(pending.mobile()),
                sealer.seal(pending, PendingMobile.PURPOSE), notice));
    }

    /** Runs {@code work} as the request's answer; whatever it ends with that is not a page becomes one. */
    private static void answer(Context ctx, CompletionStage<?> work) {
        ctx.future(() -> work.toCompletableFuture().exceptionally(failure -> {
            SelfErrors.answer(ctx, unwrap(failure));
            return null;
        }));
    }

    private AppConfig app() {
        return live.get().app(BuiltInClients.ACCOUNT).orElseThrow(() -> new IllegalStateException(
                BuiltInClients.ACCOUNT + " is missing from the live configuration"));
    }

    private static SelfPageException expiredCode() {
        return startAgain(400, "The code has expired", "The code for this number change has expired. Your number "
                + "was not changed.");
    }

    private static SelfPageException startAgain(int status, String title, String message) {
        return new SelfPageException(status, title, message, ApiPaths.ACCOUNT, "Back to your account");
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** What the user typed, without spaces and dashes, upper case; bounded. */
    private static String normalize(String raw) {
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

    private static String limit(String value, int max) {
        return value == null ? "" : value.length() > max ? value.substring(0, max) : value;
    }
}
