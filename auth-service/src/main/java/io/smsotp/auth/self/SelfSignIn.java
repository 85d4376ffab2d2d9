package io.smsotp.auth.self;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.login.CsrfTokens;
import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.oidc.OidcProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in to one area of smsotp's own pages through smsotp's own hosted login: the area is an
 * OIDC client of its own server (a {@link BuiltInClients built-in} public client with PKCE S256).
 *
 * <p>A request to the area without a live session starts the authorization code flow: state,
 * nonce and PKCE verifier go in a short-lived sealed cookie, the browser to the hosted login
 * (password, then the SMS code). The callback checks the state and redeems the code in-process,
 * through the provider's own token logic (client, redirect URI, verifier and one use are checked
 * there as for any client), and sets the session: a sealed cookie, HttpOnly, SameSite=Lax, Secure
 * under https, scoped to the area's path, {@link Session#IDLE} idle and {@link Session#ABSOLUTE}
 * at most. A cookie that does not open, has expired, or belongs to another area sends the browser
 * back to the sign-in. Every POST of the area must carry the session's CSRF token.
 *
 * <p>An area with a {@link SelfClient#requiredRole() role} checks it at the callback and on every
 * request, so that a role taken away closes the area at once.
 */
public final class SelfSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignIn.class);
    private static final String SESSION_ATTRIBUTE = "smsotp.self.session";
    /** A session's cookie is renewed (sliding the idle limit) at most this often. */
    private static final Duration REFRESH_AFTER = Duration.ofMinutes(1);
    private static final String FORM = "application/x-www-form-urlencoded";

    private final SelfClient client;
    private final OidcProvider provider;
    private final Sealer sealer;
    private final SessionKey key;
    private final RoleLookup roles;
    private final Clock clock;
    private final boolean https;

    public SelfSignIn(SelfClient client, OidcProvider provider, SessionKey key, RoleLookup roles, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.key = Objects.requireNonNull(key, "key");
        this.sealer = new Sealer(key);
        this.roles = Objects.requireNonNull(roles, "roles");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.https = provider.issuer().getValue().startsWith("https:");
    }

    /** The guard of every path of the area, and the sign-in, callback and sign-out routes. */
    public void register(RoutesConfig routes) {
        routes.before(client.basePath(), this::guard);
        routes.before(client.basePath() + "/*", this::guard);
        routes.get(client.signInPath(), ctx -> start(ctx, client.basePath()));
        routes.get(client.callbackPath(), this::callback);
        routes.post(client.signOutPath(), this::signOut);
        routes.get(client.signedOutPath(), this::signedOut);
    }

    public SelfClient client() {
        return client;
    }

    /** The session of this request, which the guard checked; only in handlers of guarded paths. */
    public static Session session(Context ctx) {
        Session session = ctx.attribute(SESSION_ATTRIBUTE);
        if (session == null) {
            throw new IllegalStateException("no session on " + ctx.path() + ": not a guarded path");
        }
        return session;
    }

    /** The CSRF token of {@code session}'s forms: HMAC of its id, so nothing is stored and a cross-site page cannot make one. */
    public String csrf(Session session) {
        byte[] mac = key.csrfMac((client.clientId() + "\u0000" + session.id()).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    /** Who this request's page is shown to, for {@link SelfPages#page}. */
    public SelfPages.Viewer viewer(Context ctx) {
        Session session = session(ctx);
        return new SelfPages.Viewer(session.username(), client.signOutPath(), csrf(session));
    }

    private void guard(Context ctx) {
        if (!client.guards(ctx.path())) {
            return;
        }
        SelfPages.headers(ctx);
        Instant now = clock.instant();
        String cookie = ctx.cookie(client.sessionCookie());
        Optional<Session> opened = sealer.open(cookie, client.sessionCookie(), Session.class)
                .filter(s -> s.clientId().equals(client.clientId()) && s.liveAt(now));
        if (opened.isEmpty()) {
            if (cookie != null) {
                clear(ctx, client.sessionCookie());
            }
            // a page asked for comes back after the sign-in; a form's post cannot, so its area's start page does
            start(ctx, "GET".equals(ctx.method().name()) ? ctx.path() : client.basePath());
            ctx.skipRemainingHandlers();
            return;
        }
        Session session = opened.get();
        requireRole(ctx, session.username());
        if ("POST".equals(ctx.method().name())) {
            if (!isReadableForm(ctx)) {
                throw SelfPageException.unreadable(client);
            }
            if (!csrfMatches(session, ctx.formParam(CsrfTokens.FIELD_NAME))) {
                throw SelfPageException.forgedForm(client);
            }
        }
        if (Duration.between(session.lastSeen(), now).compareTo(REFRESH_AFTER) >= 0) {
            session = session.seenAt(now);
            setCookie(ctx, client.sessionCookie(), sealer.seal(session, client.sessionCookie()),
                    session.cookieLifetime(now));
        }
        ctx.attribute(SESSION_ATTRIBUTE, session);
    }

    /** Off to the hosted login; the answer comes back to {@link #callback}, then the user to {@code returnTo}. */
    private void start(Context ctx, String returnTo) {
        SelfPages.headers(ctx);
        SignInAttempt attempt = SignInAttempt.start(returnTo, clock.instant());
        setCookie(ctx, client.signInCookie(), sealer.seal(attempt, client.signInCookie()), SignInAttempt.LIFETIME);
        URI authorize = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"),
                new ClientID(client.clientId()), redirectUri())
                .endpointURI(URI.create(provider.issuer().getValue() + ApiPaths.AUTHORIZE))
                .state(new State(attempt.state())).nonce(new Nonce(attempt.nonce()))
                .codeChallenge(new CodeVerifier(attempt.verifier()), CodeChallengeMethod.S256).build().toURI();
        ctx.redirect(authorize.toString(), HttpStatus.SEE_OTHER);
    }

    private void callback(Context ctx) {
        SelfPages.headers(ctx);
        Instant now = clock.instant();
        Optional<SignInAttempt> attempt = sealer.open(ctx.cookie(client.signInCookie()), client.signInCookie(),
                SignInAttempt.class).filter(a -> a.liveAt(now));
        // one answer per attempt, whatever it is
        clear(ctx, client.signInCookie());
        if (attempt.isEmpty() || !sameText(attempt.get().state(), ctx.queryParam("state"))) {
            throw SelfPageException.signInExpired(client);
        }
        if (ctx.queryParam("error") != null) {
            throw SelfPageException.notSignedIn(client);
        }
        String code = ctx.queryParam("code");
        if (code == null || code.isEmpty()) {
            throw SelfPageException.signInExpired(client);
        }
        String username = redeem(code, attempt.get());
        requireRole(ctx, username);
        Session session = Session.start(username, client.clientId(), now);
        setCookie(ctx, client.sessionCookie(), sealer.seal(session, client.sessionCookie()),
                session.cookieLifetime(now));
        LOG.info("{} signed in to {}", username, client.clientId());
        ctx.redirect(attempt.get().returnTo(), HttpStatus.SEE_OTHER);
    }

    /** The user the code was issued for, through the provider's token logic, as any client would redeem it. */
    private String redeem(String code, SignInAttempt attempt) {
        TokenResponse answer = provider.token(Map.of("grant_type", List.of("authorization_code"),
                "code", List.of(code), "redirect_uri", List.of(redirectUri().toString()),
                "client_id", List.of(client.clientId()), "code_verifier", List.of(attempt.verifier())), null);
        if (!(answer instanceof OIDCTokenResponse tokens)) {
            // unknown, expired or used code, or another client's: the provider said why, the user needs only to retry
            LOG.info("sign-in to {} refused at the token step: {}", client.clientId(),
                    answer.toErrorResponse().getErrorObject().getDescription());
            throw SelfPageException.signInExpired(client);
        }
        JWTClaimsSet claims;
        try {
            claims = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IllegalStateException("our own ID token does not parse", e);
        }
        List<String> amr = amrOf(claims);
        // the login's steps already ask for the second factor; this makes the area's rule its own
        if (!sameText(attempt.nonce(), String.valueOf(claims.getClaim("nonce")))
                || !claims.getAudience().contains(client.clientId())
                || !(amr.contains(AuthenticatedUser.AMR_SMS) || amr.contains(AuthenticatedUser.AMR_BACKUP_CODE))) {
            LOG.warn("sign-in to {} refused: the ID token's nonce, audience or amr {} is not this sign-in's",
                    client.clientId(), amr);
            throw SelfPageException.signInExpired(client);
        }
        return claims.getSubject();
    }

    private void signOut(Context ctx) {
        Session session = session(ctx);
        clear(ctx, client.sessionCookie());
        LOG.info("{} signed out of {}", session.username(), client.clientId());
        ctx.redirect(client.signedOutPath(), HttpStatus.SEE_OTHER);
    }

    private void signedOut(Context ctx) {
        SelfPages.headers(ctx);
        ctx.html(SelfPages.message("Signed out", "You are signed out.", client.basePath(), "Sign in again", false));
    }

    private void requireRole(Context ctx, String username) {
        if (client.requiredRole() != null && !roles.roles(username).contains(client.requiredRole())) {
            clear(ctx, client.sessionCookie());
            throw SelfPageException.roleMissing(client);
        }
    }

    private boolean csrfMatches(Session session, String submitted) {
        // constant time: a byte-by-byte early exit would let a guesser learn the token a byte at a time
        return submitted != null && !submitted.isEmpty() && sameText(csrf(session), submitted);
    }

    private URI redirectUri() {
        return URI.create(provider.client(client.clientId()).orElseThrow(() -> new IllegalStateException(
                "built-in client " + client.clientId() + " is missing from the live configuration"))
                .redirectUris().get(0));
    }

    private void setCookie(Context ctx, String name, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=" + client.basePath() + "; Max-Age="
                + maxAge.toSeconds() + "; HttpOnly; SameSite=Lax" + (https ? "; Secure" : ""));
    }

    private void clear(Context ctx, String name) {
        setCookie(ctx, name, "", Duration.ZERO);
    }

    private static List<String> amrOf(JWTClaimsSet claims) {
        try {
            List<String> amr = claims.getStringListClaim("amr");
            return amr == null ? List.of() : amr;
        } catch (ParseException e) {
            return List.of();
        }
    }

    private static boolean sameText(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isReadableForm(Context ctx) {
        // the raw header: Jetty's parsed content type throws on an unknown charset
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";", 2)[0].strip().equals(FORM)) {
            return false;
        }
        try {
            ctx.formParamMap();
            return true;
        } catch (RuntimeException e) {
            // bad escapes or charset: the sender's fault
            return false;
        }
    }
}
