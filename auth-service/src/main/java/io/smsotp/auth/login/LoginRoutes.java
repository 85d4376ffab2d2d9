package io.smsotp.auth.login;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.lockout.PasswordThrottle;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.auth.oidc.OidcRoutes;
import io.smsotp.auth.users.HashingGate;
import io.smsotp.auth.users.SignIns;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AuthSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The route table of the hosted login and the OpenID Connect endpoints: every path (from
 * {@link ApiPaths}) and the step that answers it, in one place. Each form route takes only an
 * {@code application/x-www-form-urlencoded} body, as the pages send it; anything else, or a body
 * that does not parse, is the client's error (400) before any step sees it.
 */
public final class LoginRoutes {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final OidcProvider provider;
    private final LoginForms forms;
    private final AuthorizeStep authorize;
    private final PasswordStep password;
    private final CodeStep code;
    private final Completion completion;
    private final String css = resource("login/login.css");
    private final String js = resource("login/login.js");

    /**
     * @param settings trusted proxies, the password throttle and hashing limits
     * @param lockouts counts failed passwords and codes per account across logins
     * @param signIns where each completed login is recorded
     */
    public LoginRoutes(OidcProvider provider, UserStore users, ChallengeCommands commands, LoginContextKey key,
                       Lockouts lockouts, SignIns signIns, AuthSettings settings, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(settings, "settings");
        this.forms = new LoginForms(provider, key, new UsedSteps(users.dataSource()), clock);
        this.completion = new Completion(provider, users, commands, forms, signIns, settings.trustedProxyRanges());
        this.authorize = new AuthorizeStep(provider, forms);
        this.code = new CodeStep(users, commands, lockouts, settings.trustedProxyRanges(), forms, completion);
        this.password = new PasswordStep(users, lockouts,
                new PasswordThrottle(users.dataSource(), settings.failedPasswordsPerIp()),
                new HashingGate(settings.passwordHashing().concurrency(), settings.passwordHashing().queue()),
                settings.trustedProxyRanges(), forms, code, completion);
    }

    public void register(RoutesConfig routes) {
        for (String path : new String[] {ApiPaths.AUTHORIZE, ApiPaths.LOGIN_PASSWORD, ApiPaths.LOGIN_OTP,
                ApiPaths.LOGIN_MOBILE, ApiPaths.LOGIN_CANCEL}) {
            routes.before(path, LoginRoutes::requireReadableForm);
        }
        // the code page's script and the token endpoint speak JSON, so their refusals are JSON too
        routes.before(ApiPaths.LOGIN_STATUS, ctx -> requireReadableJsonForm(ctx, "invalid_login",
                "the status request must be the code page's form"));
        routes.before(ApiPaths.TOKEN, ctx -> requireReadableJsonForm(ctx, "invalid_request",
                "the token request must be an application/x-www-form-urlencoded body"));
        routes.get(ApiPaths.AUTHORIZE, authorize::get);
        routes.post(ApiPaths.AUTHORIZE, authorize::post);
        routes.post(ApiPaths.LOGIN_PASSWORD, password::password);
        routes.post(ApiPaths.LOGIN_MOBILE, password::mobile);
        routes.post(ApiPaths.LOGIN_OTP, code::otp);
        routes.post(ApiPaths.LOGIN_STATUS, code::deliveryStatus);
        routes.post(ApiPaths.LOGIN_CANCEL, completion::cancel);
        routes.get(ApiPaths.LOGIN_CSS, ctx -> asset(ctx, "text/css", css));
        routes.get(ApiPaths.LOGIN_JS, ctx -> asset(ctx, "text/javascript", js));
        OidcRoutes.register(routes, provider);
        LoginErrors.register(routes, forms.https());
    }

    /** A POST to a page route must be a form that parses; a GET has no body to check. */
    private static void requireReadableForm(Context ctx) {
        if (!"POST".equals(ctx.method().name())) {
            return;
        }
        if (!isForm(ctx) || !parses(ctx)) {
            throw LoginException.unreadable();
        }
    }

    /** RFC 6749 3.2: the token endpoint takes form-encoded parameters, and nothing else; so does the status route. */
    private static void requireReadableJsonForm(Context ctx, String error, String description) {
        if (!"POST".equals(ctx.method().name()) || isForm(ctx) && parses(ctx)) {
            return;
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(400).json(Map.of("error", error, "error_description", description));
        ctx.skipRemainingHandlers();
    }

    private static boolean isForm(Context ctx) {
        // the raw header: Jetty's parsed content type throws on an unknown charset
        String type = ctx.header("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).split(";", 2)[0].strip().equals(FORM);
    }

    private static boolean parses(Context ctx) {
        try {
            ctx.formParamMap();
            return true;
        } catch (RuntimeException e) {
            // a body that is not form encoding (bad escapes, bad charset): the sender's fault, not ours
            return false;
        }
    }

    private static void asset(Context ctx, String type, String body) {
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(type + "; charset=utf-8").result(body);
    }

    private static String resource(String name) {
        try (InputStream in = LoginRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
