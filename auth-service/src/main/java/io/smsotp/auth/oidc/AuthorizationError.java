package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.id.State;
import java.net.URI;
import java.util.Objects;

/**
 * An authorization request that was refused. When the client or the redirect URI is unknown
 * (or not exactly registered) {@code redirectUri} is null: the user must see an error page, never a
 * redirect, or the endpoint would be an open redirector (RFC 6749 section 4.1.2.1). Otherwise the
 * error goes back to the client at {@link #redirectLocation()}.
 */
public record AuthorizationError(ErrorObject error, URI redirectUri, State state) implements AuthorizationValidation {

    public AuthorizationError {
        Objects.requireNonNull(error, "error");
    }

    /** Whether the error may be sent to the client's redirect URI. */
    public boolean redirectable() {
        return redirectUri != null;
    }

    /** The redirect URI with {@code error}, {@code error_description} and {@code state}; only when {@link #redirectable()}. */
    public URI redirectLocation() {
        if (!redirectable()) {
            throw new IllegalStateException("an error for an unknown client or redirect URI must not redirect");
        }
        return new AuthorizationErrorResponse(redirectUri, error, state, ResponseMode.QUERY).toURI();
    }
}
