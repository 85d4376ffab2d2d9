package io.smsotp.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.challenge.ChallengeIds;
import io.smsotp.auth.challenge.CommandsUnavailableException;
import io.smsotp.auth.challenge.StoppingException;
import io.smsotp.auth.admin.ConfigWriteException;
import io.smsotp.auth.console.ConsoleErrors;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.users.UserChangeException;
import io.smsotp.config.ConfigException;
import io.smsotp.auth.login.LoginErrors;
import io.smsotp.auth.self.SelfErrors;
import io.smsotp.logging.ChallengeMdc;
import java.io.CharConversionException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become JSON errors {@code {"error", "message"}}. Handlers
 * validate and throw; nothing else writes an error response.
 */
final class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static void register(RoutesConfig routes, long maxBodyBytes) {
        routes.exception(ApiException.class, (e, ctx) -> answerOrPage(ctx, e, e));
        // Jackson's message may quote the body, and the body may hold a code: never echo it
        routes.exception(JsonProcessingException.class, (e, ctx) ->
                answer(ctx, ApiException.badRequest("malformed_json", "the body is not valid JSON")));
        // bytes Jackson takes for UTF-32 (or another encoding) that do not decode: not JSON either
        routes.exception(CharConversionException.class, (e, ctx) ->
                answer(ctx, ApiException.badRequest("malformed_json", "the body is not valid JSON")));
        routes.exception(CommandsUnavailableException.class, (e, ctx) -> {
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(challengeIdOf(ctx))) {
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            }
            if (e instanceof StoppingException) {
                stopping(ctx);
            } else {
                unavailable(ctx);
            }
        });
        // Jetty's async timeout cancels a request still waiting: the same outcome as no reply
        routes.exception(CancellationException.class, (e, ctx) -> unavailable(ctx));
        routes.exception(ConfigWriteException.class, (e, ctx) -> answerOrPage(ctx, e,
                new ApiException(e.reason().status(), e.reason().name().toLowerCase(Locale.ROOT), e.getMessage())));
        routes.exception(UserChangeException.class, (e, ctx) -> answerOrPage(ctx, e,
                new ApiException(e.reason().status(), e.reason().name().toLowerCase(Locale.ROOT), e.getMessage())));
        // a part of the configuration given to the admin API that the file would refuse too: the message names the field
        routes.exception(ConfigException.class, (e, ctx) -> answerOrPage(ctx, e,
                ApiException.badRequest("invalid_field", e.getMessage())));
        // Javalin's own answers: no route (404), wrong method (405), body over the limit (413)
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            ApiException mapped = fromJavalin(e, maxBodyBytes);
            if (ApiPaths.isSelfPage(ctx.path())) {
                SelfErrors.refused(ctx, mapped.status(), String.valueOf(mapped.body().get("message")));
            } else if (ApiPaths.isPage(ctx.path())) {
                LoginErrors.refused(ctx, mapped.status(), String.valueOf(mapped.body().get("message")));
            } else {
                answer(ctx, mapped);
            }
        });
        // the catch-all, for real faults only: a request that cannot be read is refused earlier as 400
        routes.exception(Exception.class, (e, ctx) -> {
            if (ApiPaths.isSelfPage(ctx.path())) {
                SelfErrors.fault(ctx, e);
                return;
            }
            if (ApiPaths.isPage(ctx.path())) {
                LoginErrors.fault(ctx, e);
                return;
            }
            try (ChallengeMdc.Scope ignored = ChallengeMdc.put(challengeIdOf(ctx))) {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            }
            answer(ctx, new ApiException(500, "internal", "internal error"));
        });
    }

    /** {@code json} for the APIs; on a console page, what the admin services refused as the console's HTML. */
    private static void answerOrPage(Context ctx, RuntimeException e, ApiException json) {
        if (ApiPaths.isConsolePage(ctx.path())) {
            ConsoleErrors.answer(ctx, e);
        } else {
            answer(ctx, json);
        }
    }

    private static ApiException fromJavalin(HttpResponseException e, long maxBodyBytes) {
        HttpStatus status = HttpStatus.forStatus(e.getStatus());
        return switch (status) {
            case CONTENT_TOO_LARGE -> new ApiException(413, "body_too_large",
                    "the request body is over " + maxBodyBytes + " bytes");
            case NOT_FOUND -> ApiException.notFound("no such resource");
            case METHOD_NOT_ALLOWED -> new ApiException(405, "method_not_allowed", "method not allowed here");
            case UNKNOWN -> new ApiException(e.getStatus(), "error", "HTTP " + e.getStatus());
            default -> new ApiException(status.getCode(), status.name().toLowerCase(Locale.ROOT), status.getMessage());
        };
    }

    /** The challenge an API path names, for the log line; null on other paths or an id of no possible shape. */
    private static String challengeIdOf(Context ctx) {
        String id = ctx.pathParamMap().get(ApiPaths.ID);
        return ChallengeIds.isWellFormed(id) ? id : null;
    }

    private static void unavailable(Context ctx) {
        ctx.header("Retry-After", "1");
        answer(ctx, new ApiException(503, "unavailable", "the challenge service did not answer in time; try again"));
    }

    private static void stopping(Context ctx) {
        ctx.header("Retry-After", "1");
        // the retry should find another instance: not this connection, which is about to close
        ctx.header("Connection", "close");
        answer(ctx, new ApiException(503, "unavailable", "this auth-service instance is stopping; try again"));
    }

    private static void answer(Context ctx, ApiException e) {
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            ctx.header(h.getKey(), h.getValue());
        }
        ctx.status(e.status()).json(e.body());
    }
}
