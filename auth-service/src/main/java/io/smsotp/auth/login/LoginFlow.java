package io.smsotp.auth.login;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.challenge.ChallengeIds;
import io.smsotp.auth.challenge.ClientIps;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.challenge.PhoneNumbers;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.oidc.AuthorizationError;
import io.smsotp.auth.oidc.AuthorizationValidation;
import io.smsotp.auth.oidc.IssuedCode;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.auth.oidc.ValidatedRequest;
import io.smsotp.auth.users.User;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted login: {@code /oauth2/authorize} opens it, then the password page, the SMS code page
 * (or the mobile number page first), and finally a redirect to the client with an authorization
 * code. Everything a later step needs rides in the sealed {@link LoginContext} that each form
 * posts back, bound to the browser by a cookie, so any auth-service instance can take any step.
 * The code itself goes through the pipeline: a command to otp-stream, which the dispatcher sends.
 */
public final class LoginFlow {

    public static final String PASSWORD_PATH = "/login/password";
    public static final String OTP_PATH = "/login/otp";
    public static final String MOBILE_PATH = "/login/mobile";
    public static final String STATUS_PATH = "/login/otp/status";
    public static final String CANCEL_PATH = "/login/cancel";
    public static final String CSS_PATH = "/login/assets/login.css";
    public static final String JS_PATH = "/login/assets/login.js";
    /** The form field that carries the sealed login context. */
    public static final String CONTEXT_FIELD = "login";

    /** Longest code entry looked at: an SMS code is at most 10, backup codes are short. */
    static final int MAX_CODE_INPUT = 64;

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final OidcProvider provider;
    private final UserStore users;
    private final ChallengeCommands commands;
    private final LoginContextSealer sealer;
    private final CsrfTokens csrf;
    private final Clock clock;
    private final boolean https;
    private final Lockouts lockouts;
    private final boolean trustForwardedFor;
    private final ChallengeIds ids = new ChallengeIds();
    private final String css = resource("login/login.css");
    private final String js = resource("login/login.js");

    /**
     * @param lockouts counts wrong codes per user across logins and locks the account at the limit
     * @param trustForwardedFor take the client IP from {@code X-Forwarded-For} (behind a proxy that sets it)
     */
    public LoginFlow(OidcProvider provider, UserStore users, ChallengeCommands commands, LoginContextKey key,
                     Lockouts lockouts, boolean trustForwardedFor, Clock clock) {
        this.lockouts = Objects.requireNonNull(lockouts, "lockouts");
        this.trustForwardedFor = trustForwardedFor;
        this.provider = Objects.requireNonNull(provider, "provider");
        this.users = Objects.requireNonNull(users, "users");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.sealer = new LoginContextSealer(key);
        this.csrf = new CsrfTokens(key);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.https = provider.issuer().getValue().startsWith("https:");
    }

    public void register(RoutesConfig routes) {
        routes.get(OidcProvider.AUTHORIZE_PATH, ctx -> authorize(ctx, ctx.queryParamMap()));
        // OIDC Core 3.1.2.1: the authorization endpoint takes POST (form-encoded) as well
        routes.post(OidcProvider.AUTHORIZE_PATH, ctx -> authorize(ctx, ctx.formParamMap()));
        routes.post(PASSWORD_PATH, this::password);
        routes.post(OTP_PATH, this::otp);
        routes.post(MOBILE_PATH, this::mobile);
        routes.post(STATUS_PATH, this::deliveryStatus);
        routes.post(CANCEL_PATH, this::cancel);
        routes.get(CSS_PATH, ctx -> asset(ctx, "text/css", css));
        routes.get(JS_PATH, ctx -> asset(ctx, "text/javascript", js));
    }

    // ---- step 0: the authorization request ------------------------------------------------

    private void authorize(Context ctx, Map<String, List<String>> params) {
        pageHeaders(ctx);
        AuthorizationValidation outcome = provider.validateAuthorizationRequest(params);
        if (outcome instanceof AuthorizationError error) {
            if (!error.redirectable()) {
                // unknown client or redirect URI: never redirect anywhere (no open redirector)
                ctx.status(400).html(LoginPages.error("This sign-in link is not valid",
                        "The application sent an invalid sign-in request (" + describe(error.error())
                                + "). Go back to the application and try again.", null, null));
                return;
            }
            ctx.redirect(error.redirectLocation().toString(), HttpStatus.FOUND);
            return;
        }
        ValidatedRequest request = (ValidatedRequest) outcome;
        List<String> prompt = params.get("prompt");
        if (prompt != null && !prompt.isEmpty() && List.of(prompt.get(0).split(" ")).contains("none")) {
            // there are no sign-in sessions to reuse: every login shows the pages
            ctx.redirect(new AuthorizationError(OIDCError.LOGIN_REQUIRED, request.redirectUri(), request.state())
                    .redirectLocation().toString(), HttpStatus.FOUND);
            return;
        }
        LoginContext context = LoginContext.start(request, clock.instant());
        ctx.res().addHeader("Set-Cookie", BrowserBinding.setCookieHeader(context.binding(), https,
                LoginContext.DEFAULT_LIFETIME));
        ctx.html(LoginPages.password(request.client().name(), sealer.seal(context), csrf.issue(context), null, null));
    }

    // ---- step 1: username and password ----------------------------------------------------

    private void password(Context ctx) {
        Optional<Opened> opened = open(ctx, LoginContext.Step.PASSWORD);
        if (opened.isEmpty()) {
            return;
        }
        LoginContext context = opened.get().context();
        AppConfig app = opened.get().app();
        String username = limit(ctx.formParam("username"), 256);
        String password = limit(ctx.formParam("password"), 1024);
        Optional<User> user = username.isEmpty() || password.isEmpty() ? Optional.empty()
                : users.checkPassword(username, password);
        if (user.isEmpty()) {
            // one message, one status, and (the store hashes for unknown users too) one cost for both causes
            ctx.status(401).html(LoginPages.password(app.name(), sealer.seal(context), csrf.issue(context), username,
                    LoginPages.Notice.error("Incorrect username or password.")));
            return;
        }
        User known = user.get();
        Instant now = clock.instant();
        Optional<Instant> locked = lockouts.lockedUntil(Lockouts.loginAccount(known.username()), now);
        if (locked.isPresent()) {
            accountLocked(ctx, app, context, locked.get());
            return;
        }
        switch (SecondStep.of(app, known)) {
            case NONE -> finish(ctx, app, context.afterPassword(known.username(), now, LoginContext.Step.SMS_OTP),
                    List.of(AuthenticatedUser.AMR_PASSWORD));
            case REFUSE_OPTED_OUT -> endWithError(ctx, 403, app, context, "SMS verification is required",
                    app.name() + " requires a code by SMS, and SMS codes are turned off for your account. "
                            + "Turn them back on, or ask your administrator.", OAuth2Error.ACCESS_DENIED);
            case REFUSE_NO_MOBILE -> endWithError(ctx, 403, app, context, "No mobile number",
                    "There is no mobile number on your profile, so no code can be sent. "
                            + "Ask your administrator to add one.", OAuth2Error.ACCESS_DENIED);
            case CAPTURE_MOBILE -> {
                LoginContext next = context.afterPassword(known.username(), now, LoginContext.Step.CAPTURE_MOBILE);
                ctx.html(LoginPages.mobile(app.name(), sealer.seal(next), csrf.issue(next), null, null));
            }
            case SMS -> {
                LoginContext next = context.afterPassword(known.username(), now, LoginContext.Step.SMS_OTP);
                if (!app.allowsCountry(PhoneNumbers.countryCode(known.mobile()))) {
                    endWithError(ctx, 403, app, next, "No code can be sent", app.name()
                            + " does not send codes to numbers of your mobile number's country.",
                            OAuth2Error.ACCESS_DENIED);
                    return;
                }
                sendNewCode(ctx, app, next, known.mobile(), null);
            }
        }
    }

    // ---- the mobile number, for a profile without one -------------------------------------

    private void mobile(Context ctx) {
        Optional<Opened> opened = open(ctx, LoginContext.Step.CAPTURE_MOBILE);
        if (opened.isEmpty()) {
            return;
        }
        LoginContext context = opened.get().context();
        AppConfig app = opened.get().app();
        String entered = limit(ctx.formParam("mobile"), 64);
        String e164;
        try {
            e164 = PhoneNumbers.toE164(entered);
        } catch (ApiException e) {
            ctx.status(400).html(LoginPages.mobile(app.name(), sealer.seal(context), csrf.issue(context), entered,
                    LoginPages.Notice.error("That is not a mobile number we can send to. Enter it with + and the "
                            + "country code, e.g. +44 7700 900123.")));
            return;
        }
        if (!app.allowsCountry(PhoneNumbers.countryCode(e164))) {
            ctx.status(400).html(LoginPages.mobile(app.name(), sealer.seal(context), csrf.issue(context), entered,
                    LoginPages.Notice.error(app.name() + " does not send codes to numbers of that country.")));
            return;
        }
        sendNewCode(ctx, app, context.atStep(LoginContext.Step.SMS_OTP).withMobileToCapture(e164), e164, null);
    }

    // ---- step 2: the SMS code ---------------------------------------------------------------

    private void otp(Context ctx) {
        Optional<Opened> opened = open(ctx, LoginContext.Step.SMS_OTP);
        if (opened.isEmpty()) {
            return;
        }
        LoginContext context = opened.get().context();
        AppConfig app = opened.get().app();
        String action = Objects.requireNonNullElse(ctx.formParam("action"), "continue");
        if (action.equals("resend")) {
            resend(ctx, app, context);
            return;
        }
        String code = normalizeCode(ctx.formParam("code"));
        if (code.isEmpty()) {
            showOtp(ctx, 400, app, context, null, LoginPages.Notice.error("Enter the code from the SMS."));
            return;
        }
        String account = Lockouts.loginAccount(context.username());
        Optional<Instant> locked = lockouts.lockedUntil(account, clock.instant());
        if (locked.isPresent()) {
            // checked before the code is looked at: a right and a wrong code get the same page
            accountLocked(ctx, app, context, locked.get());
            return;
        }
        if (app.backupCodes() && context.mobileToCapture() == null && users.useBackupCode(context.username(), code)) {
            // a backup code stands in for the SMS: the challenge has no more use
            if (context.challengeId() != null) {
                commands.cancel(context.challengeId(), app.id());
            }
            lockouts.recordSuccess(account);
            finish(ctx, app, context, List.of(AuthenticatedUser.AMR_BACKUP_CODE));
            return;
        }
        if (context.challengeId() == null) {
            // no SMS went out (a send limit, a failure): only a backup code could have been right,
            // and the account's lockout is what bounds guessing them here
            Optional<Instant> lockedNow = lockouts.recordFailure(account, clock.instant());
            if (lockedNow.isPresent()) {
                accountLocked(ctx, app, context, lockedNow.get());
            } else {
                showOtp(ctx, 400, app, context, null, LoginPages.Notice.error("That code is not right. No SMS code "
                        + "has been sent for this sign-in yet: use Resend to get one."));
            }
            return;
        }
        // a wrong entry costs an attempt on the challenge whatever it was meant to be, which is
        // also what bounds guessing of backup codes
        reply(ctx, commands.verify(context.challengeId(), app.id(), code), (reply, failure) -> {
            if (failure != null) {
                showOtp(ctx, 503, app, context, null, unreachable());
                return;
            }
            if (reply instanceof OtpEvent.CodeChecked checked) {
                afterCheck(ctx, app, context, checked);
            } else {
                // not_found: purged after its lifetime
                showOtp(ctx, 400, app, context, null, LoginPages.Notice.error(
                        "The code has expired. Use Resend to get a new one."));
            }
        });
    }

    private void afterCheck(Context ctx, AppConfig app, LoginContext context, OtpEvent.CodeChecked checked) {
        ChallengeView view = checked.challenge();
        String account = Lockouts.loginAccount(context.username());
        if (checked.valid()) {
            lockouts.recordSuccess(account);
        } else if (checked.counted()) {
            Optional<Instant> locked = lockouts.recordFailure(account, clock.instant());
            if (locked.isPresent()) {
                accountLocked(ctx, app, context, locked.get());
                return;
            }
        }
        if (checked.valid()) {
            if (context.mobileToCapture() != null) {
                // the number proved to be the user's: only now does it go on the profile
                users.setMobile(context.username(), context.mobileToCapture());
            }
            finish(ctx, app, context, List.of(AuthenticatedUser.AMR_SMS));
            return;
        }
        switch (view.status()) {
            case PENDING -> showOtp(ctx, 400, app, context, view, LoginPages.Notice.error("That code is not right. "
                    + view.attemptsLeft() + (view.attemptsLeft() == 1 ? " attempt" : " attempts") + " left."));
            case EXPIRED -> showOtp(ctx, 400, app, context, view, LoginPages.Notice.error(
                    "The code has expired. Use Resend to get a new one."));
            case MAX_ATTEMPTS_REACHED -> endWithError(ctx, 403, app, context, "Too many attempts",
                    "Too many wrong codes were entered, so this sign-in was stopped. Start again from "
                            + app.name() + ".", OAuth2Error.ACCESS_DENIED);
            case APPROVED, CANCELED -> endWithError(ctx, 400, app, context, "This sign-in is over",
                    "This code was already used. Start again from " + app.name() + ".", OAuth2Error.ACCESS_DENIED);
        }
    }

    private void resend(Context ctx, AppConfig app, LoginContext context) {
        String number = numberFor(context);
        if (context.challengeId() == null) {
            sendNewCode(ctx, app, context, number, null);
            return;
        }
        reply(ctx, commands.resend(context.challengeId(), app.id(), clientIp(ctx)), (reply, failure) -> {
            if (failure != null) {
                showOtp(ctx, 503, app, context, null, unreachable());
            } else if (reply instanceof OtpEvent.SendRateLimited limited) {
                showOtp(ctx, 429, app, context, null, rateLimited(limited));
            } else if (reply instanceof OtpEvent.CodeResent resent) {
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
                    afterCheck(ctx, app, context, new OtpEvent.CodeChecked(resent.challengeId(), null, null, false,
                            false, resent.challenge()));
                }
            } else {
                sendNewCode(ctx, app, context, number, null);
            }
        });
    }

    /** Makes a new challenge for {@code e164} and shows the code page for it. */
    private void sendNewCode(Context ctx, AppConfig app, LoginContext context, String e164, LoginPages.Notice notice) {
        String id = ids.next();
        reply(ctx, commands.create(id, app.id(), app.name(), e164, app.otp(), clientIp(ctx)), (reply, failure) -> {
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

    private void showOtp(Context ctx, int status, AppConfig app, LoginContext context, ChallengeView view,
                         LoginPages.Notice notice) {
        String number = view != null ? view.to() : numberFor(context);
        boolean pending = view != null && view.status() == ChallengeStatus.PENDING;
        boolean canResend = view == null || !pending || view.resendAvailableAt() != null;
        LoginPages.Notice shown = notice;
        if (shown == null && view != null && view.delivery() == Delivery.FAILED) {
            shown = LoginPages.Notice.error("The SMS could not be sent. Use Resend to try again.");
        }
        boolean backupHint = app.backupCodes() && context.mobileToCapture() == null
                && users.find(context.username()).map(u -> u.backupCodesLeft() > 0).orElse(false);
        ctx.status(status).html(LoginPages.otp(new LoginPages.OtpPage(app.name(), context.challengeId() != null,
                number == null ? null : PhoneNumbers.mask(number), sealer.seal(context), csrf.issue(context), shown,
                backupHint, pending ? waitSeconds(view) : 0, canResend,
                pending && view.delivery() == Delivery.QUEUED)));
    }

    /** Answers the code page's script: whether the SMS was sent, failed, or is still queued. */
    private void deliveryStatus(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Optional<Opened> opened = openQuietly(ctx, LoginContext.Step.SMS_OTP);
        if (opened.isEmpty() || opened.get().context().challengeId() == null) {
            ctx.status(400).json(Map.of("error", "invalid_login"));
            return;
        }
        LoginContext context = opened.get().context();
        reply(ctx, commands.status(context.challengeId(), opened.get().app().id()), (reply, failure) -> {
            if (reply instanceof OtpEvent.ChallengeState state) {
                ctx.json(Map.of("delivery", state.challenge().delivery().wireName(),
                        "status", state.challenge().status().wireName()));
            } else {
                ctx.status(failure != null ? 503 : 404).json(Map.of("error", failure != null ? "unavailable" : "not_found"));
            }
        });
    }

    // ---- leaving ----------------------------------------------------------------------------

    private void cancel(Context ctx) {
        Optional<Opened> opened = open(ctx, null);
        if (opened.isEmpty()) {
            return;
        }
        LoginContext context = opened.get().context();
        if (context.challengeId() != null) {
            commands.cancel(context.challengeId(), opened.get().app().id());
        }
        clearBinding(ctx);
        ctx.redirect(returnWith(context, OAuth2Error.ACCESS_DENIED.setDescription("the user canceled the sign-in"))
                .toString(), HttpStatus.SEE_OTHER);
    }

    /** The login succeeded with {@code factors} after the password: a code for the client, and back to it. */
    private void finish(Context ctx, AppConfig app, LoginContext context, List<String> factors) {
        LoginContext done = context;
        for (String factor : factors) {
            done = done.withAmrAdded(factor);
        }
        ValidatedRequest request = new ValidatedRequest(app, context.redirectUri(), Scope.parse(context.scope()),
                context.state() == null ? null : new State(context.state()),
                context.nonce() == null ? null : new Nonce(context.nonce()),
                codeChallenge(context.codeChallenge()));
        String mobile = users.find(done.username()).flatMap(User::mobileNumber).orElse(null);
        IssuedCode issued;
        try {
            issued = provider.issueCode(request, new AuthenticatedUser(done.username(), mobile, done.amr(),
                    done.authTime()));
        } catch (IllegalArgumentException e) {
            // the client identifies users by mobile number and this user has none
            endWithError(ctx, 403, app, context, "No mobile number", app.name()
                    + " identifies you by your mobile number, and there is none on your profile.",
                    OAuth2Error.ACCESS_DENIED);
            return;
        }
        clearBinding(ctx);
        LOG.info("login of {} to client {} done with {}", done.username(), app.id(), done.amr());
        ctx.redirect(issued.redirectLocation().toString(), HttpStatus.SEE_OTHER);
    }

    private void endWithError(Context ctx, int status, AppConfig app, LoginContext context, String title,
                              String message, ErrorObject error) {
        if (context.challengeId() != null && error != null) {
            commands.cancel(context.challengeId(), app.id());
        }
        clearBinding(ctx);
        ctx.status(status).html(LoginPages.error(title, message, app.name(), returnWith(context, error).toString()));
    }

    private static URI returnWith(LoginContext context, ErrorObject error) {
        return new AuthorizationError(error, context.redirectUri(),
                context.state() == null ? null : new State(context.state())).redirectLocation();
    }

    // ---- plumbing ---------------------------------------------------------------------------

    /** A login context that opened, and its client. */
    private record Opened(LoginContext context, AppConfig app) {
    }

    /**
     * The posted login context if it opens in this browser, has not expired, is at {@code step}
     * (any step when null), comes with its CSRF token, and its client is still configured.
     * Otherwise an error page has been sent and the result is empty.
     */
    private Optional<Opened> open(Context ctx, LoginContext.Step step) {
        pageHeaders(ctx);
        Optional<LoginContext> context = sealer.open(ctx.formParam(CONTEXT_FIELD), ctx.cookie(BrowserBinding.COOKIE_NAME),
                clock.instant());
        if (context.isEmpty()) {
            ctx.status(400).html(LoginPages.error("Your sign-in has expired",
                    "This sign-in has expired or was started in another browser. Go back to the application "
                            + "and sign in again.", null, null));
            return Optional.empty();
        }
        if (!csrf.check(context.get(), ctx.formParam(CsrfTokens.FIELD_NAME))) {
            ctx.status(403).html(LoginPages.error("The form could not be checked",
                    "The form was not sent by this sign-in page. Go back to the application and sign in again.",
                    null, null));
            return Optional.empty();
        }
        Optional<AppConfig> app = provider.client(context.get().clientId());
        if (app.isEmpty() || step != null && context.get().step() != step) {
            // a page submitted twice (back button) or a client removed since the login began
            ctx.status(400).html(LoginPages.error("This page is out of date",
                    "This sign-in has moved on or is no longer possible. Go back to the application and sign "
                            + "in again.", null, null));
            return Optional.empty();
        }
        return Optional.of(new Opened(context.get(), app.get()));
    }

    private Optional<Opened> openQuietly(Context ctx, LoginContext.Step step) {
        Optional<LoginContext> context = sealer.open(ctx.formParam(CONTEXT_FIELD), ctx.cookie(BrowserBinding.COOKIE_NAME),
                clock.instant());
        if (context.isEmpty() || !csrf.check(context.get(), ctx.formParam(CsrfTokens.FIELD_NAME))
                || context.get().step() != step) {
            return Optional.empty();
        }
        return provider.client(context.get().clientId()).map(app -> new Opened(context.get(), app));
    }

    /**
     * Renders when {@code stage} completes, without holding a request thread. A failure reaches
     * {@code then} as its cause; an exception in {@code then} becomes an error page.
     */
    private static void reply(Context ctx, CompletionStage<OtpEvent> stage, BiConsumer<OtpEvent, Throwable> then) {
        ctx.future(() -> stage.handle((reply, failure) -> {
            try {
                then.accept(reply, unwrap(failure));
            } catch (RuntimeException e) {
                LOG.error("login step {} failed", ctx.path(), e);
                ctx.status(500).html(LoginPages.error("Something went wrong",
                        "The sign-in could not go on. Go back to the application and try again.", null, null));
            }
            return null;
        }).toCompletableFuture());
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static CodeChallenge codeChallenge(String value) {
        if (value == null) {
            return null;
        }
        try {
            return CodeChallenge.parse(value);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            // sealed by us after the authorization endpoint checked it: cannot happen
            throw new IllegalStateException("a sealed code challenge does not parse", e);
        }
    }

    private String numberFor(LoginContext context) {
        if (context.mobileToCapture() != null) {
            return context.mobileToCapture();
        }
        return users.find(context.username()).flatMap(User::mobileNumber).orElse(null);
    }

    private long waitSeconds(ChallengeView view) {
        if (view == null || view.resendAvailableAt() == null) {
            return 0;
        }
        long millis = Duration.between(clock.instant(), view.resendAvailableAt()).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private LoginPages.Notice rateLimited(OtpEvent.SendRateLimited limited) {
        long seconds = Math.max(1, Duration.between(clock.instant(), limited.retryAt()).toSeconds());
        String wait = seconds < 90 ? seconds + " seconds" : ((seconds + 59) / 60) + " minutes";
        String what = switch (limited.limit()) {
            case OtpEvent.SendRateLimited.PER_NUMBER -> "Too many codes have been sent to this number.";
            case OtpEvent.SendRateLimited.PER_IP -> "Too many codes have been asked for from your network.";
            default -> "Too many codes are being sent just now.";
        };
        return LoginPages.Notice.error(what + " Try again in " + wait + ".");
    }

    private void accountLocked(Context ctx, AppConfig app, LoginContext context, Instant until) {
        long minutes = Math.max(1, (Duration.between(clock.instant(), until).toSeconds() + 59) / 60);
        endWithError(ctx, 403, app, context, "Account locked", "Too many wrong codes were entered for this account, "
                + "so it is locked for " + minutes + (minutes == 1 ? " minute" : " minutes")
                + ". Try again later.", OAuth2Error.ACCESS_DENIED);
    }

    private String clientIp(Context ctx) {
        return ClientIps.of(ctx, trustForwardedFor);
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

    private static String limit(String value, int max) {
        if (value == null) {
            return "";
        }
        return value.length() > max ? value.substring(0, max) : value;
    }

    private static String describe(ErrorObject error) {
        return error.getDescription() != null ? error.getDescription() : error.getCode();
    }

    private void clearBinding(Context ctx) {
        ctx.res().addHeader("Set-Cookie", BrowserBinding.setCookieHeader("", https, Duration.ZERO));
    }

    private static void pageHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // pages carry the sealed context and a CSRF token: nothing to keep in a cache
        ctx.header("Cache-Control", "no-store");
    }

    private static void asset(Context ctx, String type, String body) {
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(type + "; charset=utf-8").result(body);
    }

    private static String resource(String name) {
        try (InputStream in = LoginFlow.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
