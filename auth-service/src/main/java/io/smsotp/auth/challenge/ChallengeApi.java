package io.smsotp.auth.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.apps.ApiKeys;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.lockout.Lockouts;
import io.smsotp.config.AppConfig;
import io.smsotp.events.OtpEvent;
import io.smsotp.logging.ChallengeMdc;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The 2FA challenge API. Handlers validate, publish one command and answer when its reply comes
 * ({@code ctx.future}: no request thread waits for Kafka). A request that fails validation
 * throws before anything is published. The reply is handled with the challenge's id in the logging
 * MDC ({@link ChallengeMdc}): a lockout it leads to is logged with it.
 */
public final class ChallengeApi {

    /** A user id an application may name for lockout: printable, no spaces, bounded. */
    private static final Pattern USER = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");

    private final ChallengeCommands commands;
    private final Lockouts lockouts;
    private final Clock clock;

    /** An API without account lockout (no database): a {@code user} in a create is refused. */
    public ChallengeApi(ChallengeCommands commands) {
        this(commands, null, Clock.systemUTC());
    }

    /** @param lockouts counts wrong codes of challenges whose creator named a {@code user}; null: none */
    public ChallengeApi(ChallengeCommands commands, Lockouts lockouts, Clock clock) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.lockouts = lockouts;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds the routes; the caller installs {@link ApiKeys#authenticate} in front of them. */
    public void register(RoutesConfig routes) {
        routes.post(ApiPaths.CHALLENGES, this::create);
        routes.post(ApiPaths.VERIFY, this::verify);
        routes.post(ApiPaths.RESEND, this::resend);
        routes.get(ApiPaths.CHALLENGE, this::status);
        routes.delete(ApiPaths.CHALLENGE, this::cancel);
    }

    private void create(Context ctx) throws IOException {
        AppConfig app = ApiKeys.caller(ctx);
        JsonNode body = ApiJson.objectBody(ctx);
        PhoneNumbers.Parsed number = PhoneNumbers.parse(ApiJson.requiredText(body, "to"));
        PhoneNumbers.requireAllowed(number, app);
        String to = number.e164();
        String clientIp = ClientIps.fromBody(body);
        String account = account(app, body);
        if (account != null) {
            lockedUntil(account).ifPresent(until -> {
                throw Replies.accountLocked(until, clock.instant());
            });
        }
        String id = commands.newChallengeId(to);
        ctx.future(() -> commands.create(id, app.id(), app.name(), to, app.otp(), clientIp)
                .thenAccept(ChallengeMdc.around(id, reply -> {
                    ChallengeBodies.Created created = Replies.created(id, reply, clock.instant());
                    if (account != null) {
                        lockouts.bindChallenge(id, account, created.expiresAt(), clock.instant());
                    }
                    ctx.status(201).header("Location", ApiPaths.challenge(id)).json(created);
                }))
                .toCompletableFuture());
    }

    private void verify(Context ctx) throws IOException {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        String code = CodeFormat.check(ApiJson.requiredText(ApiJson.objectBody(ctx), "code"));
        Optional<String> account = lockouts == null ? Optional.empty() : lockouts.accountOf(id);
        if (account.isPresent()) {
            // the same answer for a right and a wrong code: a locked account reveals nothing
            lockedUntil(account.get()).ifPresent(until -> {
                throw Replies.accountLocked(until, clock.instant());
            });
        }
        ctx.future(() -> commands.verify(id, app.id(), code)
                .thenAccept(ChallengeMdc.around(id, reply -> {
                    if (account.isPresent() && reply instanceof OtpEvent.CodeChecked checked) {
                        if (checked.valid()) {
                            lockouts.recordSuccess(account.get());
                        } else if (checked.counted()) {
                            lockouts.recordFailure(account.get(), clock.instant());
                        }
                    }
                    ctx.json(Replies.verified(id, reply));
                }))
                .toCompletableFuture());
    }

    private void resend(Context ctx) throws IOException {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        // the body is optional here: only a clientIp may be in it
        String clientIp = ctx.bodyAsBytes().length == 0 ? null : ClientIps.fromBody(ApiJson.objectBody(ctx));
        ctx.future(() -> commands.resend(id, app.id(), clientIp)
                .thenAccept(ChallengeMdc.around(id, reply -> ctx.json(Replies.resent(id, reply, clock.instant()))))
                .toCompletableFuture());
    }

    private void status(Context ctx) {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        ctx.future(() -> commands.status(id, app.id())
                .thenAccept(ChallengeMdc.around(id, reply -> ctx.json(Replies.status(id, reply))))
                .toCompletableFuture());
    }

    private void cancel(Context ctx) {
        AppConfig app = ApiKeys.caller(ctx);
        String id = challengeId(ctx);
        ctx.future(() -> commands.cancel(id, app.id())
                .thenAccept(ChallengeMdc.around(id, reply -> ctx.json(Replies.canceled(id, reply))))
                .toCompletableFuture());
    }

    /** The lockout account a create names ({@code "user"}), or null when it names none. */
    private String account(AppConfig app, JsonNode body) {
        JsonNode user = body.get("user");
        if (user == null || user.isNull()) {
            return null;
        }
        if (!user.isTextual() || !USER.matcher(user.textValue()).matches()) {
            throw ApiException.badRequest("invalid_field", "'user' must be 1..128 printable characters without spaces");
        }
        if (lockouts == null) {
            throw ApiException.badRequest("invalid_field", "'user' needs auth-service's database, which is off here");
        }
        return Lockouts.apiAccount(app.id(), user.textValue());
    }

    private Optional<Instant> lockedUntil(String account) {
        return lockouts.lockedUntil(account, clock.instant());
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
