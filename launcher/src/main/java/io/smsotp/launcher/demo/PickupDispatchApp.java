package io.smsotp.launcher.demo;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Pickup Dispatch", the demo application the launcher starts: a small dispatch console that signs
 * its users in through smsotp as an ordinary OpenID Connect relying party (nimbus oauth2-oidc-sdk,
 * authorization code flow with PKCE), knowing the issuer only by its URL.
 *
 * <p>Pages: {@code GET /} (home; element ids {@code login}, or {@code status}, {@code sub},
 * {@code amr}, {@code auth-time}, {@code logout}), {@code GET /login}, {@code GET /callback} and
 * {@code POST /logout}. Errors are HTML pages with ids {@code status}, {@code error-detail}, and where
 * the issuer gave one, {@code error} and {@code error-description}.
 */
public final class PickupDispatchApp {

    public static final String HOME_PATH = "/";
    public static final String LOGIN_PATH = "/login";
    public static final String CALLBACK_PATH = "/callback";
    public static final String LOGOUT_PATH = "/logout";
    static final String COOKIE = "pickup_session";
    /** A login left half-way longer than this is not continued. */
    static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(15);

    private static final Logger LOG = LoggerFactory.getLogger(PickupDispatchApp.class);

    private final OidcRelyingParty relyingParty;
    private final String host;
    private final int requestedPort;
    private final Clock clock;
    private final Sessions sessions;
    private Javalin app;

    /**
     * @param issuer             the OpenID provider's issuer URL (discovery at {@code <issuer>/.well-known/openid-configuration})
     * @param clientId           this app's client id at the provider
     * @param clientSecretOrNull the client secret (sent with client_secret_basic), or null for a public client
     * @param host               the address to listen on
     * @param port               the port to listen on, 0 for any free port
     */
    public PickupDispatchApp(URI issuer, String clientId, String clientSecretOrNull, String host, int port) {
        this(issuer, clientId, clientSecretOrNull, host, port, Clock.systemUTC());
    }

    PickupDispatchApp(URI issuer, String clientId, String clientSecretOrNull, String host, int port, Clock clock) {
        this(issuer, null, clientId, clientSecretOrNull, host, port, clock);
    }

    /**
     * @param backchannelOrNull where the app reaches the issuer itself when browsers use another
     *     address (see {@link OidcRelyingParty}); null: the issuer's own address
     */
    public PickupDispatchApp(URI issuer, URI backchannelOrNull, String clientId, String clientSecretOrNull,
                             String host, int port, Clock clock) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
        this.relyingParty = new OidcRelyingParty(issuer, backchannelOrNull, clientId, clientSecretOrNull);
        this.host = Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = new Sessions(clock);
    }

    /** The redirect URI the app uses when it listens on {@code port}; register this with the provider. */
    public static URI redirectUriFor(int port) {
        return URI.create("http://localhost:" + port + CALLBACK_PATH);
    }

    public synchronized PickupDispatchApp start() {
        if (app != null) {
            return this;
        }
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // as auth-service: a session cookie with a letter's case changed must not read as the one sent before
            cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            cfg.routes.get(HOME_PATH, this::home);
            cfg.routes.get(LOGIN_PATH, this::login);
            cfg.routes.get(CALLBACK_PATH, this::callback);
            cfg.routes.post(LOGOUT_PATH, this::logout);
            cfg.routes.exception(DemoError.Failure.class, (e, ctx) -> showError(ctx, e.error()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("Unexpected failure on {}", ctx.path(), e);
                showError(ctx, DemoError.of(500, "Something went wrong",
                        "Pickup Dispatch hit an unexpected problem. Please try again."));
            });
        }).start(host, requestedPort);
        LOG.info("Pickup Dispatch at {} (issuer {}, redirect URI {})", baseUri(), relyingParty.issuer(), redirectUri());
        return this;
    }

    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    /** The port it listens on: the actual one once started, else the one asked for. */
    public synchronized int port() {
        return app != null ? app.port() : requestedPort;
    }

    /** Where a browser opens the app, e.g. {@code http://localhost:8070/}. */
    public URI baseUri() {
        return URI.create("http://localhost:" + knownPort() + "/");
    }

    /** The redirect URI this app sends in its authentication requests. */
    public URI redirectUri() {
        return redirectUriFor(knownPort());
    }

    private int knownPort() {
        int p = port();
        if (p == 0) {
            throw new IllegalStateException("port 0 means any free port: start() the app before asking for its URIs");
        }
        return p;
    }

    private void home(Context ctx) {
        Html.SignedIn user = session(ctx).map(Sessions.Session::user).orElse(null);
        ctx.html(Html.home(user, relyingParty.issuer()));
    }

    private void login(Context ctx) {
        // discovery first: if the issuer is down, no session is made for nothing
        OidcRelyingParty.Started started = relyingParty.start(redirectUri(), clock.instant());
        Sessions.Session s = session(ctx).orElseGet(() -> newSession(ctx));
        s.startLogin(started.pending());
        LOG.info("Login started, sending the browser to the issuer");
        ctx.redirect(started.authorizationRequest().toString(), HttpStatus.FOUND);
    }

    private void callback(Context ctx) {
        Optional<Sessions.Session> s = session(ctx);
        Sessions.PendingLogin pending = s.map(Sessions.Session::takePending)
                .filter(p -> p.startedAt().plus(LOGIN_TIMEOUT).isAfter(clock.instant()))
                .orElse(null);
        String query = ctx.queryString();
        URI callback = URI.create(redirectUri() + (query == null ? "" : "?" + query));
        Html.SignedIn user = relyingParty.finish(callback, pending, redirectUri());
        // a fresh session id on sign-in, so an id planted before the login is worth nothing after it
        sessions.remove(ctx.cookie(COOKIE));
        newSession(ctx).signIn(user);
        ctx.redirect(HOME_PATH, HttpStatus.FOUND);
    }

    private void logout(Context ctx) {
        // SameSite=Lax keeps the cookie off cross-site POSTs, so another site cannot log a user out
        sessions.remove(ctx.cookie(COOKIE));
        ctx.cookie(cookie("", 0));
        LOG.info("Logged out");
        ctx.redirect(HOME_PATH, HttpStatus.SEE_OTHER);
    }

    private Optional<Sessions.Session> session(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE));
    }

    private Sessions.Session newSession(Context ctx) {
        Map.Entry<String, Sessions.Session> created = sessions.create();
        ctx.cookie(cookie(created.getKey(), -1));
        return created.getValue();
    }

    private static Cookie cookie(String value, int maxAge) {
        // not Secure: the demo runs on plain http://localhost
        return new Cookie(COOKIE, value, "/", maxAge, false, true, null, SameSite.LAX);
    }

    private static void showError(Context ctx, DemoError error) {
        ctx.status(error.status()).html(Html.error(error));
    }
}
