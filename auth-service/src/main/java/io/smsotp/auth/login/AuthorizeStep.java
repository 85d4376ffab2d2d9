package io.smsotp.auth.login;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.openid.connect.sdk.OIDCError;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.smsotp.auth.oidc.AuthorizationError;
import io.smsotp.auth.oidc.AuthorizationValidation;
import io.smsotp.auth.oidc.OidcProvider;
import io.smsotp.auth.oidc.ValidatedRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Step 0: the authorization request ({@code GET} query or {@code POST} form, OIDC Core 3.1.2.1).
 * A request the client can be told about goes back to it with an error; one from an unknown
 * client or with an unregistered redirect URI gets an error page and never a redirect. A good one
 * starts a login at the password page, bound to this browser.
 */
final class AuthorizeStep {

    private final OidcProvider provider;
    private final LoginForms forms;

    AuthorizeStep(OidcProvider provider, LoginForms forms) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.forms = Objects.requireNonNull(forms, "forms");
    }

    void get(Context ctx) {
        authorize(ctx, ctx.queryParamMap());
    }

    void post(Context ctx) {
        authorize(ctx, ctx.formParamMap());
    }

    private void authorize(Context ctx, Map<String, List<String>> params) {
        LoginForms.pageHeaders(ctx);
        AuthorizationValidation outcome = provider.validateAuthorizationRequest(params);
        if (outcome instanceof AuthorizationError error) {
            if (!error.redirectable()) {
                // unknown client or redirect URI: never redirect anywhere (no open redirector)
                throw LoginException.invalidRequest(describe(error.error()));
            }
            ctx.redirect(error.redirectLocation().toString(), HttpStatus.FOUND);
            return;
        }
        ValidatedRequest request = (ValidatedRequest) outcome;
        List<String> prompt = params.get("prompt");
        if (prompt != null && !prompt.isEmpty() && List.of(prompt.get(0).split(" ")).contains("none")) {
            // there are no sign-in sessions to reuse: every login shows the pages
            ctx.redirect(new AuthorizationError(OIDCError.LOGIN_REQUIRED, request.redirectUri(), request.state())
                    .redirectLocation().toString(), HttpStatus.FOUND);
            return;
        }
        LoginContext context = LoginContext.start(request, forms.clock().instant());
        forms.bind(ctx, context);
        ctx.html(LoginPages.password(request.client().name(), forms.seal(context), forms.csrf(context), null, null));
    }

    private static String describe(ErrorObject error) {
        return error.getDescription() != null ? error.getDescription() : error.getCode();
    }
}
