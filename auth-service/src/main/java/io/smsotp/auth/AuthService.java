package io.smsotp.auth;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.auth.login.LoginContextKey;
import io.smsotp.auth.login.LoginRoutes;
import io.smsotp.auth.account.AccountRoutes;
import io.smsotp.auth.console.ConsoleRoutes;
import io.smsotp.auth.self.BuiltInClients;
import io.smsotp.auth.self.RoleLookup;
import io.smsotp.auth.self.SelfClient;
import io.smsotp.auth.self.SelfErrors;
import io.smsotp.auth.self.SelfSignIn;
import io.smsotp.auth.self.SessionKey;
import io.smsotp.auth.users.SignIns;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.auth.oidc.SigningKeys;
import io.smsotp.auth.users.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import io.javalin.json.JavalinJackson;
import io.smsotp.auth.admin.AdminApi;
import io.smsotp.auth.admin.AdminAuth;
import io.smsotp.auth.admin.AdminServices;
import io.smsotp.auth.admin.AuditTrail;
import io.smsotp.auth.admin.UserAdmin;
import io.smsotp.auth.admin.UserAdminApi;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.admin.ConfigWriter;
import io.smsotp.auth.apps.ApiKeys;
import io.smsotp.config.live.ConfigFollower;
import io.smsotp.config.live.LiveConfig;
import java.util.function.Supplier;
import io.smsotp.auth.challenge.ChallengeApi;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.reply.OtpGateway;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.auth.health.HttpMetrics;
import io.smsotp.auth.health.MeteredCommands;
import io.smsotp.metrics.Readiness;
import io.smsotp.metrics.ServiceMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service: the 2FA HTTP API in front of the single writer. Stateless between requests, so
 * any number of instances may run side by side.
 */
public final class AuthService {

    /** Larger bodies are answered 413 before they are parsed: no request of this API needs more. */
    public static final long MAX_BODY_BYTES = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
    /** How long a stopping server lets an idle kept-alive connection live. */
    private static final Duration SHUTDOWN_IDLE_TIMEOUT = Duration.ofMillis(10);

    /** auth-service's part of the configuration. */
    private final AuthConfig config;
    private final Javalin app;
    /** The Kafka gateway this service started and stops, or null when the caller owns the commands. */
    private final OtpGateway ownedGateway;
    /** The user store of the login pages, or null for a service of the 2FA API only. */
    private final UserStore users;
    private final OidcProvider oidc;
    private final int listenPort;
    private final ServiceMetrics metrics = new ServiceMetrics("auth-service");
    /** The gateway whose replies readiness depends on, or null when the commands go elsewhere. */
    private final OtpGateway gateway;
    private final StopBudget stopBudget;
    /** Follows smsotp.config, or null when the configuration is the file's (no configEncryptionKey). */
    private final ConfigFollower follower;
    /** Writes smsotp.config; null with {@link #follower}. */
    private final ConfigWriter configWriter;
    /** The audit log; null with {@link #follower}. */
    private final AuditTrail audit;
    /** What admins may do to users; null without the audit log or the user store. */
    private final UserAdmin userAdmin;
    /** What the admin API changes; null with {@link #follower}. */
    private final AdminServices admin;
    /** The applications, providers and limits now. */
    private final Supplier<LiveConfig> live;
    private boolean started;
    private volatile boolean stopping;

    /**
     * A service of the 2FA API only (no login pages, no user store) that sends its commands
     * through {@code commands}, whose lifecycle the caller manages.
     */
    public AuthService(SmsOtpConfig config, ChallengeCommands commands) {
        this(config, commands, null, false);
    }

    /**
     * The whole service: the 2FA API, the OIDC provider and the login pages, with the user store
     * and keys in {@code auth.dataDir}. The caller manages {@code commands}' lifecycle.
     */
    public static AuthService withLogin(SmsOtpConfig config, ChallengeCommands commands) {
        return new AuthService(config, commands, null, true, null);
    }

    /**
     * As {@link #withLogin(SmsOtpConfig, ChallengeCommands)}, with users' roles (the console's admin)
     * from {@code roles} instead of the user store.
     */
    public static AuthService withLogin(SmsOtpConfig config, ChallengeCommands commands, RoleLookup roles) {
        return new AuthService(config, commands, null, true, roles);
    }

    /**
     * The whole service talking to otp-stream through Kafka at {@code kafka.bootstrapServers};
     * its gateway starts and stops with it.
     */
    public static AuthService withKafka(SmsOtpConfig file) {
        AuthConfig config = AuthConfig.of(file);
        OtpGateway gateway = OtpGateway.fromConfig(config);
        return new AuthService(config, gateway, gateway, true, null);
    }

    private AuthService(SmsOtpConfig config, ChallengeCommands commands, OtpGateway ownedGateway, boolean login) {
        this(config, commands, ownedGateway, login, null);
    }

    private AuthService(SmsOtpConfig file, ChallengeCommands commands, OtpGateway ownedGateway, boolean login,
                        RoleLookup roles) {
        this(AuthConfig.of(Objects.requireNonNull(file, "config")), commands, ownedGateway, login, roles);
    }

    private AuthService(AuthConfig config, ChallengeCommands commands, OtpGateway ownedGateway, boolean login,
                        RoleLookup roles) {
        this.config = config;
        Objects.requireNonNull(commands, "commands");
        this.ownedGateway = ownedGateway;
        this.gateway = commands instanceof OtpGateway g ? g : null;
        this.stopBudget = StopBudget.of(config.auth());
        if (gateway != null) {
            gateway.bindTo(metrics);
        }
        commands = new MeteredCommands(commands, metrics.registry());
        Supplier<LiveConfig> configured;
        if (config.configCipher() != null) {
            this.follower = new ConfigFollower(config.kafka(), config.configCipher(), config.fileView(), "auth-service");
            this.configWriter = new ConfigWriter(config, follower, Clock.systemUTC());
            this.audit = new AuditTrail(config.kafka());
            configured = follower;
            this.admin = AdminServices.of(configWriter, follower, audit, config.providerTestTimeout(),
                    Clock.systemUTC());
        } else {
            this.follower = null;
            this.configWriter = null;
            this.audit = null;
            this.admin = null;
            LiveConfig fromFile = config.fileView();
            configured = () -> fromFile;
        }
        ApiKeys apiKeys = new ApiKeys(configured, Clock.systemUTC());
        int port = config.auth().port();
        if (!login) {
            this.live = configured;
            this.users = null;
            this.oidc = null;
            this.listenPort = port;
            this.userAdmin = null;
            this.app = buildApp(config, stopBudget, apiKeys, new ChallengeApi(commands), null,
                    this::health, adminRoutes());
            return;
        }
        if (config.auth().issuer() == null && port == 0) {
            // the issuer names the port, so "any free port" has to be chosen before the server starts
            port = freePort();
        }
        this.listenPort = port;
        URI issuer = URI.create(config.auth().issuer() != null ? config.auth().issuer() : "http://localhost:" + port);
        // smsotp's own pages are OIDC clients of this server, present whatever the topic holds
        this.live = BuiltInClients.around(configured, issuer);
        Path dataDir = Path.of(config.auth().dataDir()).toAbsolutePath();
        try {
            // keys and the H2 database: nobody's but this service's, also in a data dir made before
            SecretFiles.ownerOnlyDirectory(dataDir);
            SecretFiles.ownerOnlyTree(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create auth.dataDir " + dataDir + " owner-only", e);
        }
        this.users = UserStore.open(config.database(), dataDir);
        try {
            users.importUsers(config.users());
            this.oidc = new OidcProvider(issuer, live, SigningKeys.loadOrCreate(dataDir), users.dataSource(),
                    Clock.systemUTC());
            Lockouts lockouts = new Lockouts(users.dataSource(), config.auth().lockout());
            SignIns signIns = new SignIns(users.dataSource());
            LoginRoutes pages = new LoginRoutes(oidc, users, commands, LoginContextKey.loadOrCreate(dataDir), lockouts,
                    signIns, config.auth(), Clock.systemUTC());
            this.userAdmin = audit == null ? null : new UserAdmin(users.profiles(), audit, Clock.systemUTC());
            SessionKey sessionKey = SessionKey.loadOrCreate(dataDir);
            // the store's roles unless the caller gives its own (tests): read at sign-in and at every request
            RoleLookup roleLookup = roles != null ? roles : storeRoles(users);
            AccountRoutes account = new AccountRoutes(new SelfSignIn(SelfClient.ACCOUNT, oidc, sessionKey, roleLookup,
                    Clock.systemUTC()), users, commands, signIns, live, audit, sessionKey,
                    config.auth().trustedProxyRanges(), Clock.systemUTC());
            // the console: pages over the admin API's services, behind its own sign-in with the admin role
            ConsoleRoutes console = new ConsoleRoutes(new SelfSignIn(SelfClient.CONSOLE, oidc, sessionKey, roleLookup,
                    Clock.systemUTC()), admin, userAdmin);
            this.app = buildApp(config, stopBudget, apiKeys, new ChallengeApi(commands, lockouts,
                    Clock.systemUTC()), routes -> {
                        pages.register(routes);
                        account.register(routes);
                        console.register(routes);
                        SelfErrors.register(routes);
                    }, this::health, adminRoutes());
        } catch (RuntimeException e) {
            users.close();
            metrics.close();
            throw e;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** The roles the user store keeps: what opens the console. */
    private static RoleLookup storeRoles(UserStore users) {
        return username -> users.profiles().find(username, java.time.Instant.now())
                .map(p -> java.util.Set.copyOf(p.roles())).orElse(java.util.Set.of());
    }

    /** The admin API's routes; without the live configuration, a 503 on each that says why. */
    private Consumer<RoutesConfig> adminRoutes() {
        if (admin == null) {
            AdminAuth auth = new AdminAuth(config.admin());
            return routes -> AdminApi.registerUnavailable(routes, auth);
        }
        AdminApi config = new AdminApi(new AdminAuth(this.config.admin()), admin);
        UserAdminApi usersApi = new UserAdminApi(userAdmin);
        return routes -> {
            // the one authentication filter of /admin/api/v1/* comes with the config routes
            config.register(routes);
            usersApi.register(routes);
        };
    }

    private static Javalin buildApp(AuthConfig config, StopBudget stop, ApiKeys apiKeys, ChallengeApi challenges,
                                    Consumer<RoutesConfig> login, Consumer<RoutesConfig> health,
                                    Consumer<RoutesConfig> admin) {
        long replyTimeoutMs = config.auth().replyTimeout().toMillis();
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            cfg.http.defaultContentType = "application/json";
            // a known path with another method is 405, not 404
            cfg.http.prefer405over404 = true;
            // a safety net only: the gateway answers 503 at the reply timeout, well before this
            cfg.http.asyncTimeout = replyTimeoutMs * 2;
            cfg.jetty.timeoutStatus = 503;
            // Jetty keeps each connection's Cookie and Authorization headers in a cache that by default
            // matches them ignoring case: a session cookie or an API key sent again on the same connection
            // with a letter's case changed was read as the one sent before (a forged cookie opened a session)
            cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            cfg.jetty.modifyServer(server -> {
                // a stop first stops accepting, then waits this long for the requests in progress
                // (GracefulHandler counts them; without it Jetty would cut them at once)
                server.setStopTimeout(stop.http().toMillis());
                // inserted: Javalin's own StatisticsHandler stays, inside it
                server.insertHandler(new GracefulHandler());
            });
            cfg.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
            health.accept(cfg.routes);
            cfg.routes.before(ApiPaths.API_ALL, apiKeys::authenticate);
            challenges.register(cfg.routes);
            admin.accept(cfg.routes);
            if (login != null) {
                login.accept(cfg.routes);
            }
            ErrorMapping.register(cfg.routes, MAX_BODY_BYTES);
        });
    }

    /** The health and metrics routes, and the hooks that time every request. */
    private void health(RoutesConfig routes) {
        new HttpMetrics(metrics.registry()).register(routes);
        routes.get(ApiPaths.HEALTH_LIVE, ctx -> ctx.contentType("application/json").result(Readiness.body(List.of())));
        routes.get(ApiPaths.HEALTH_READY, ctx -> {
            List<String> problems = problems();
            ctx.status(problems.isEmpty() ? 200 : 503).contentType("application/json")
                    .header("Cache-Control", "no-store").result(Readiness.body(problems));
        });
        routes.get(ApiPaths.METRICS, ctx -> ctx.contentType(ServiceMetrics.CONTENT_TYPE).result(metrics.scrape()));
    }

    /**
     * Why auth-service is not ready: empty while its gateway (when it has one) reads replies from
     * every partition of the events topic and the user database (when it has one) answers.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (stopping) {
            // first, so that a load balancer takes this instance out while it still serves
            problems.add("stopping");
        }
        if (gateway != null) {
            problems.addAll(gateway.problems());
        }
        if (follower != null && !follower.caughtUp()) {
            problems.add("reading the configuration (" + config.kafka().configTopic() + ")");
        }
        if (users != null) {
            try (Connection c = users.dataSource().getConnection()) {
                if (!c.isValid(2)) {
                    problems.add("the user database does not answer");
                }
            } catch (SQLException e) {
                // the type only: a driver's message can name hosts and users
                problems.add("the user database does not answer (" + e.getClass().getSimpleName() + ")");
            }
        }
        return problems;
    }

    /** This service's meters (JVM, HTTP, Kafka clients, replies). */
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** Starts the gateway (when owned), then listens on {@code auth.host}:{@code auth.port} (0: any free port). */
    public synchronized AuthService start() {
        if (started) {
            return this;
        }
        if (follower != null) {
            startLiveConfig();
        }
        if (ownedGateway != null) {
            ownedGateway.start();
        }
        try {
            app.start(config.auth().host(), listenPort);
        } catch (RuntimeException e) {
            // e.g. the port is taken: leave nothing running behind
            if (ownedGateway != null) {
                ownedGateway.stop();
            }
            closeLiveConfig();
            throw e;
        }
        started = true;
        LOG.info("auth-service listening on http://{}:{}{} for {} application(s)", config.auth().host(), app.port(),
                ApiPaths.API, live.get().apps().size());
        if (oidc != null) {
            LOG.info("OIDC issuer {} (discovery at {}{})", oidc.issuer().getValue(), oidc.issuer().getValue(),
                    OidcProvider.DISCOVERY_PATH);
        }
        return this;
    }

    /**
     * Within {@code auth.shutdownTimeout}: {@code /health/ready} answers 503 at once (and the
     * service goes on serving for {@code auth.drainDelay}); then the listener closes and the
     * requests in progress are finished, those still waiting for otp-stream near the end answered
     * 503 ("stopping"); then the gateway (when owned) flushes its producer and closes, and the user
     * store closes.
     */
    public synchronized void stop() {
        if (!started) {
            return;
        }
        long start = System.nanoTime();
        stopping = true;
        LOG.info("auth-service stopping within {}: /health/ready answers 503", config.auth().shutdownTimeout());
        Duration drain = config.auth().drainDelay();
        if (!drain.isZero()) {
            LOG.info("serving {} more, for load balancers to take this instance out", drain);
            sleep(drain);
        }
        LOG.info("closing the listener; finishing the requests in progress ({} waiting for otp-stream) within {}",
                gateway == null ? 0 : gateway.pending(), stopBudget.http());
        AtomicBoolean httpStopped = new AtomicBoolean();
        if (gateway != null) {
            CompletableFuture.delayedExecutor(stopBudget.cutoff().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                // before Jetty's wait ends and it cuts the connections: a clear 503 instead
                if (!httpStopped.get()) {
                    int answered = gateway.answerWaitingAsStopping();
                    if (answered > 0) {
                        LOG.info("{} requests still waiting for otp-stream answered 503 (stopping)", answered);
                    }
                }
            });
        }
        long httpStart = System.nanoTime();
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector c) {
                // Jetty waits for every connection to close, an idle keep-alive one after this (1 s
                // by default); one with a request in progress is not idle and stays
                c.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT.toMillis());
            }
        }
        app.stop();
        httpStopped.set(true);
        started = false;
        LOG.info("HTTP stopped in {} ms", millisSince(httpStart));
        if (ownedGateway != null) {
            ownedGateway.stop(stopBudget.close());
        }
        closeLiveConfig();
        if (users != null) {
            users.close();
        }
        metrics.close();
        stopping = false;
        LOG.info("auth-service stopped in {} ms", millisSince(start));
    }

    /**
     * Reads smsotp.config to its end (the file stands until then), follows the audit log, and seeds
     * the topic from the file when nothing has yet. A seed that fails (Kafka away) is not fatal:
     * the file stands meanwhile, and the first change through the admin API seeds.
     */
    private void startLiveConfig() {
        follower.start();
        try {
            if (!follower.awaitCaughtUp(Duration.ofSeconds(30))) {
                LOG.warn("{} not read to its end within 30 s; serving what it held so far", config.kafka().configTopic());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audit.start();
        try {
            configWriter.seedIfEmpty();
        } catch (ConfigWriteException e) {
            LOG.warn("could not seed {} from the file ({}); the file stands until a change seeds it",
                    config.kafka().configTopic(), e.getMessage());
        }
        LOG.info("live configuration from {}: {}", follower.seeded() ? config.kafka().configTopic() : "the file", live.get());
    }

    private void closeLiveConfig() {
        if (follower != null) {
            admin.close();
            follower.close();
            audit.close();
        }
    }

    /** The applications, providers and send limits now. */
    public LiveConfig liveConfig() {
        return live.get();
    }

    /** The writer of the live configuration, or null when it is the file's (no configEncryptionKey). */
    public ConfigWriter configWriter() {
        return configWriter;
    }

    /** What the admin API changes (the console uses them too), or null when the configuration is the file's. */
    public AdminServices adminServices() {
        return admin;
    }

    /** The audit log, or null when the configuration is the file's. */
    public AuditTrail auditTrail() {
        return audit;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // asked to hurry: go on with the stop
            Thread.currentThread().interrupt();
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** What admins may do to users (admin API, console), or null without the live configuration or the user store. */
    public UserAdmin userAdmin() {
        return userAdmin;
    }

    /** The user store, or null for a service of the 2FA API only. */
    public UserStore users() {
        return users;
    }

    /** The OIDC issuer URL (e.g. {@code http://localhost:8080}), or null for a service of the 2FA API only. */
    public String issuer() {
        return oidc == null ? null : oidc.issuer().getValue();
    }

    /** The Javalin instance, for tests. */
    public Javalin app() {
        return app;
    }

    /** The port listened on, once started. */
    public int port() {
        return app.port();
    }
}
