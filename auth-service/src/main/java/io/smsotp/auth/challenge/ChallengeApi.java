package io.smsotp.auth.challenge;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.apps.ApiKeys;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AppConfig;
import java.io.IOException;
import java.util.Objects;

/**
 * The 2FA challenge API. Handlers validate, publish one command and answer when its reply comes
 * ({@code ctx.future}: no request thread waits for Kafka). A request that fails validation
 * throws before anything is published.
 */
public final class ChallengeApi {

    private final ChallengeCommands commands;
    private final ChallengeIds ids = new ChallengeIds();

    public ChallengeApi(ChallengeCommands commands) {
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /** Adds the routes; the caller installs {@link ApiKeys#authenticate} in front of them. */
    public void register(RoutesConfig routes) {
        routes.post(ApiPaths.CHALLENGES, this::create);
        routes.post(ApiPaths.VERIFY, this::verify);
        routes.get(ApiPaths.CHALLENGE, this::status);
    }

    private void create(Context ctx) throws IOException {
        AppConfig app = ApiKeys.caller(ctx);
        String to = PhoneNumbers.toE164(ApiJson.requiredText(ApiJson.objectBody(ctx), "to"));
        String id = ids.next();
        ctx.future(() -> commands.create(id, app.id(), app.name(), to, app.otp())
                .thenAccept(reply -> ctx.status(201)
                        .header("Location", ApiPaths.challenge(id))
                        .json(Replies.created(id, reply)))
                .toCompletableFuture());
    }

    private void verify(Context ctx) throws IOException {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        String code = CodeFormat.check(ApiJson.requiredText(ApiJson.objectBody(ctx), "code"));
        ctx.future(() -> commands.verify(id, app.id(), code)
                .thenAccept(reply -> ctx.json(Replies.verified(id, reply)))
                .toCompletableFuture());
    }

    private void status(Context ctx) {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        ctx.future(() -> commands.status(id, app.id())
                .thenAccept(reply -> ctx.json(Replies.status(id, reply)))
                .toCompletableFuture());
    }

    /** The path's id; one that cannot be an id is unknown, and the writer is not asked. */
    private static String challengeId(Context ctx) {
        String id = ctx.pathParam(ApiPaths.ID);
        if (!ChallengeIds.isWellFormed(id)) {
            throw ApiException.notFound("no such challenge");
        }
        return id;
    }
}
