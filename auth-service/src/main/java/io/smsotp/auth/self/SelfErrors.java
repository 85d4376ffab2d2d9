package io.smsotp.auth.self;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where a refusal or a fault on smsotp's own pages becomes its HTML page. */
public final class SelfErrors {

    private static final Logger LOG = LoggerFactory.getLogger(SelfErrors.class);

    private SelfErrors() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(SelfPageException.class, (e, ctx) -> answer(ctx, e));
    }

    /** Answers {@code ctx} with the page for {@code e}. */
    public static void answer(Context ctx, SelfPageException e) {
        SelfPages.headers(ctx);
        ctx.status(e.status()).html(SelfPages.message(e.title(), e.getMessage(), e.linkHref(), e.linkText(), true));
    }

    /** Whatever an asynchronous handler ended with: its page, or for anything else a fault. */
    public static void answer(Context ctx, Throwable failure) {
        if (failure instanceof SelfPageException e) {
            answer(ctx, e);
        } else {
            fault(ctx, failure);
        }
    }

    /** A fault of ours (logged with its stack): the 500 page. */
    public static void fault(Context ctx, Throwable e) {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        answer(ctx, new SelfPageException(500, "Something went wrong", "This page could not be shown. Try again "
                + "in a moment.", null, null));
    }

    /** Javalin's own refusal (no route, wrong method, body too large) on a page of the area. */
    public static void refused(Context ctx, int status, String message) {
        answer(ctx, new SelfPageException(status, "This page cannot be shown", message, null, null));
    }
}
