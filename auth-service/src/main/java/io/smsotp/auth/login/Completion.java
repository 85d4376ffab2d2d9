package io.smsotp.auth.login;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.challenge.ChallengeCommands;
import io.smsotp.auth.oidc.AuthenticatedUser;
import io.smsotp.auth.oidc.AuthorizationError;
import io.smsotp.auth.oidc.IssuedCode;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.auth.oidc.ValidatedRequest;
import io.smsotp.auth.challenge.ClientIps;
import io.smsotp.auth.users.SignIns;
import io.smsotp.auth.users.UserStore;
import io.smsotp.config.AppConfig;
import io.smsotp.config.IpRange;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a login ends: with an authorization code for the client (the user passed every step, and
 * the sign-in is recorded for the user's account page), or back at the client with an error
 * (cancelled, refused), the SMS challenge cancelled either way.
 */
final class Completion {

    private static final Logger LOG = LoggerFactory.getLogger(Completion.class);

    private final OidcProvider provider;
    private final UserStore users;
    private final ChallengeCommands commands;
    private final LoginForms forms;
    private final SignIns signIns;
    private final List<IpRange> trustedProxies;

    Completion(OidcProvider provider, UserStore users, ChallengeCommands commands, LoginForms forms, SignIns signIns,
               List<IpRange> trustedProxies) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.users = Objects.requireNonNull(users, "users");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.forms = Objects.requireNonNull(forms, "forms");
        this.signIns = Objects.requireNonNull(signIns, "signIns");
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** POST {@code /login/cancel}: back to the client with {@code access_denied}. */
    void cancel(Context ctx) {
        LoginForms.Opened opened = forms.open(ctx, null);
        forms.claim(opened);
        LoginContext context = opened.context();
        if (context.challengeId() != null) {
            commands.cancel(context.challengeId(), opened.app().id());
        }
        forms.unbind(ctx);
        ctx.redirect(returnWith(context, OAuth2Error.ACCESS_DENIED.setDescription("the user canceled the sign-in"))
                .toString(), HttpStatus.SEE_OTHER);
    }

    /** The login succeeded with {@code factors} after the password: a code for the client, and back to it. */
    void finish(Context ctx, AppConfig app, LoginContext context, List<String> factors) {
        LoginContext done = context;
        for (String factor : factors) {
            done = done.withAmrAdded(factor);
        }
        String mobile = users.find(done.username()).flatMap(u -> u.mobileNumberFor(app.captureMobile()))
                .orElse(null);
        if (AppConfig.SUBJECT_MOBILE.equals(app.subjectClaim())) {
            if (mobile == null) {
                throw end(403, app, context, "No mobile number", app.name()
                        + " identifies you by your mobile number, and there is none on your profile.");
            }
            if (users.countWithMobile(mobile) > 1) {
                // two users with one number would be one subject to the client: refuse rather than merge them
                LOG.warn("login of {} to client {} refused: its subject is the mobile number, which another user "
                        + "has too", done.username(), app.id());
                throw end(403, app, context, "This account cannot sign in here", app.name() + " identifies you by "
                        + "your mobile number, and another account has the same number. Ask your administrator.");
            }
        }
        ValidatedRequest request = new ValidatedRequest(app, context.redirectUri(), Scope.parse(context.scope()),
                context.state() == null ? null : new State(context.state()),
                context.nonce() == null ? null : new Nonce(context.nonce()), codeChallenge(context.codeChallenge()));
        IssuedCode issued = provider.issueCode(request, new AuthenticatedUser(done.username(), mobile, done.amr(),
                done.authTime()));
        signIns.record(done.username(), new SignIns.SignIn(forms.clock().instant(), app.id(),
                ClientIps.of(ctx, trustedProxies)));
        forms.unbind(ctx);
        LOG.info("login of {} to client {} done with {}", done.username(), app.id(), done.amr());
        ctx.redirect(issued.redirectLocation().toString(), HttpStatus.SEE_OTHER);
    }

    /**
     * Ends the login with an error page that links back to the client with {@code access_denied};
     * the challenge, if any, is cancelled. Returned to be thrown.
     */
    LoginException end(int status, AppConfig app, LoginContext context, String title, String message) {
        if (context.challengeId() != null) {
            commands.cancel(context.challengeId(), app.id());
        }
        return LoginException.ended(status, title, message, app.name(), returnWith(context, OAuth2Error.ACCESS_DENIED));
    }

    /** The end for a user whose account is locked until {@code minutes} from now. */
    LoginException locked(AppConfig app, LoginContext context, long minutes, String what) {
        return end(403, app, context, "Account locked", "Too many wrong " + what + " were entered for this account, "
                + "so it is locked for " + minutes + (minutes == 1 ? " minute" : " minutes") + ". Try again later.");
    }

    static URI returnWith(LoginContext context, ErrorObject error) {
        return new AuthorizationError(error, context.redirectUri(),
                context.state() == null ? null : new State(context.state())).redirectLocation();
    }

    private static CodeChallenge codeChallenge(String value) {
        if (value == null) {
            return null;
        }
        try {
            return CodeChallenge.parse(value);
        } catch (ParseException e) {
            // sealed by us after the authorization endpoint checked it: cannot happen
            throw new IllegalStateException("a sealed code challenge does not parse", e);
        }
    }
}
