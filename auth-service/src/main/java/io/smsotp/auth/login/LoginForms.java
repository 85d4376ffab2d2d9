package io.smsotp.auth.login;

import io.javalin.http.Context;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.config.AppConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What every login step does with the form it is posted: open the sealed context (this browser,
 * not expired, its CSRF token, its client still there, the expected step), claim it so it answers
 * once, and seal the next context into the page it answers with.
 */
final class LoginForms {

    /** The form field that carries the sealed login context. */
    static final String CONTEXT_FIELD = "login";

    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final OidcProvider provider;
    private final LoginContextSealer sealer;
    private final CsrfTokens csrf;
    private final UsedSteps used;
    private final Clock clock;
    private final boolean https;

    LoginForms(OidcProvider provider, LoginContextKey key, UsedSteps used, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.sealer = new LoginContextSealer(key);
        this.csrf = new CsrfTokens(key);
        this.used = Objects.requireNonNull(used, "used");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.https = provider.issuer().getValue().startsWith("https:");
    }

    /** A posted login context that opened, and its client. */
    record Opened(LoginContext context, AppConfig app) {
    }

    /**
     * The posted context, when it opens in this browser, has not expired, comes with its CSRF
     * token, its client is still configured and it is at {@code step} (any step when null).
     * Not yet claimed: see {@link #claim}.
     *
     * @throws LoginException otherwise
     */
    Opened open(Context ctx, LoginContext.Step step) {
        pageHeaders(ctx);
        LoginContext context = sealer.open(ctx.formParam(CONTEXT_FIELD), ctx.cookie(BrowserBinding.COOKIE_NAME),
                clock.instant()).orElseThrow(LoginException::expired);
        if (!csrf.check(context, ctx.formParam(CsrfTokens.FIELD_NAME))) {
            throw LoginException.forgedForm();
        }
        Optional<AppConfig> app = provider.client(context.clientId());
        if (app.isEmpty() || step != null && context.step() != step) {
            // a page submitted after the login moved on, or a client removed since the login began
            throw LoginException.outOfDate();
        }
        return new Opened(context, app.get());
    }

    /** Like {@link #open}, for the code page's script: empty instead of an error page. */
    Optional<Opened> openQuietly(Context ctx, LoginContext.Step step) {
        Optional<LoginContext> context = sealer.open(ctx.formParam(CONTEXT_FIELD),
                ctx.cookie(BrowserBinding.COOKIE_NAME), clock.instant());
        if (context.isEmpty() || !csrf.check(context.get(), ctx.formParam(CsrfTokens.FIELD_NAME))
                || context.get().step() != step) {
            return Optional.empty();
        }
        return provider.client(context.get().clientId()).map(app -> new Opened(context.get(), app));
    }

    /**
     * Takes the opened context for this answer: the first claim wins, across instances, and any
     * later post of the same context is refused as out of date.
     */
    void claim(Opened opened) {
        LoginContext context = opened.context();
        if (!used.claim(context.stepId(), context.expiresAt(), clock.instant())) {
            throw LoginException.outOfDate();
        }
    }

    /** {@code context} sealed for the next form. */
    String seal(LoginContext context) {
        return sealer.seal(context);
    }

    /** The CSRF token that goes with {@code context}'s forms. */
    String csrf(LoginContext context) {
        return csrf.issue(context);
    }

    /** Sets the browser binding of a login that starts. */
    void bind(Context ctx, LoginContext context) {
        ctx.res().addHeader("Set-Cookie", BrowserBinding.setCookieHeader(context.binding(), https,
                LoginContext.DEFAULT_LIFETIME));
    }

    /** Clears the browser binding of a login that is over. */
    void unbind(Context ctx) {
        ctx.res().addHeader("Set-Cookie", BrowserBinding.setCookieHeader("", https, Duration.ZERO));
    }

    boolean https() {
        return https;
    }

    Clock clock() {
        return clock;
    }

    static void pageHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // pages carry the sealed context and a CSRF token: nothing to keep in a cache
        ctx.header("Cache-Control", "no-store");
    }
}
