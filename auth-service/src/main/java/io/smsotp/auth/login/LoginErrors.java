package io.smsotp.auth.login;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a login error becomes its HTML page: the steps throw
 * {@link LoginException}, and the asynchronous steps hand what they threw to {@link #answer}.
 */
public final class LoginErrors {

    private static final Logger LOG = LoggerFactory.getLogger(LoginErrors.class);

    private LoginErrors() {
    }

    static void register(RoutesConfig routes, boolean https) {
        routes.exception(LoginException.class, (e, ctx) -> answer(ctx, e, https));
    }

    /** Answers {@code ctx} with the page for {@code e}. */
    static void answer(Context ctx, LoginException e, boolean https) {
        LoginForms.pageHeaders(ctx);
        if (e.ended()) {
            ctx.res().addHeader("Set-Cookie", BrowserBinding.setCookieHeader("", https, Duration.ZERO));
        }
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        ctx.status(e.status()).html(LoginPages.error(e.title(), e.getMessage(), e.appName(),
                e.returnTo() == null ? null : e.returnTo().toString()));
    }

    /** A fault of ours on a page route (logged with its stack): the 500 page. */
    public static void fault(Context ctx, Exception e) {
        LOG.error("login step {} failed", ctx.path(), e);
        answer(ctx, LoginException.internal(), false);
    }

    /** Javalin's own refusal (no route, wrong method, body too large) on a page route, as a page. */
    public static void refused(Context ctx, int status, String message) {
        LoginForms.pageHeaders(ctx);
        ctx.status(status).html(LoginPages.error("This page cannot be shown", message, null, null));
    }

    /**
     * Answers {@code ctx} for anything a login step threw: a {@link LoginException} is its page;
     * anything else is a fault of ours, logged with its stack, and a 500 page.
     */
    static void answer(Context ctx, Throwable failure, boolean https) {
        if (failure instanceof LoginException e) {
            answer(ctx, e, https);
            return;
        }
        LOG.error("login step {} failed", ctx.path(), failure);
        answer(ctx, LoginException.internal(), https);
    }
}
