package io.smsotp.auth;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.smsotp.auth.apps.ApiKeys;
import io.smsotp.auth.challenge.ChallengeApi;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.reply.OtpGateway;
import io.smsotp.config.SmsOtpConfig;
import java.util.Objects;
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

    private final SmsOtpConfig config;
    private final Javalin app;
    /** The Kafka gateway this service started and stops, or null when the caller owns the commands. */
    private final OtpGateway ownedGateway;
    private boolean started;

    /** A service that sends its commands through {@code commands}, whose lifecycle the caller manages. */
    public AuthService(SmsOtpConfig config, ChallengeCommands commands) {
        this(config, commands, null);
    }

    private AuthService(SmsOtpConfig config, ChallengeCommands commands, OtpGateway ownedGateway) {
        this.config = Objects.requireNonNull(config, "config");
        this.ownedGateway = ownedGateway;
        this.app = buildApp(config, new ApiKeys(config.apps()), new ChallengeApi(Objects.requireNonNull(commands,
                "commands")));
    }

    /**
     * A service talking to otp-stream through Kafka at {@code kafka.bootstrapServers}; its gateway
     * starts and stops with it.
     */
    public static AuthService withKafka(SmsOtpConfig config) {
        OtpGateway gateway = OtpGateway.fromConfig(config);
        return new AuthService(config, gateway, gateway);
    }

    private static Javalin buildApp(SmsOtpConfig config, ApiKeys apiKeys, ChallengeApi challenges) {
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
            cfg.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
            cfg.routes.before(ApiPaths.API_ALL, apiKeys::authenticate);
            challenges.register(cfg.routes);
            ErrorMapping.register(cfg.routes, MAX_BODY_BYTES);
        });
    }

    /** Starts the gateway (when owned), then listens on {@code auth.host}:{@code auth.port} (0: any free port). */
    public synchronized AuthService start() {
        if (started) {
            return this;
        }
        if (ownedGateway != null) {
            ownedGateway.start();
        }
        try {
            app.start(config.auth().host(), config.auth().port());
        } catch (RuntimeException e) {
            // e.g. the port is taken: leave nothing running behind
            if (ownedGateway != null) {
                ownedGateway.stop();
            }
            throw e;
        }
        started = true;
        LOG.info("auth-service listening on http://{}:{}{} for {} application(s)", config.auth().host(), app.port(),
                ApiPaths.API, config.apps().size());
        return this;
    }

    /** Stops taking requests, then stops the gateway (when owned). */
    public synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        app.stop();
        if (ownedGateway != null) {
            ownedGateway.stop();
        }
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
