package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.openid.connect.sdk.Nonce;
import io.smsotp.config.AppConfig;
import java.net.URI;
import java.util.Objects;

/**
 * An authorization request that passed every check: the login may run, and its outcome goes to
 * {@code redirectUri}, which is one of the client's registered URIs, exactly.
 *
 * @param state echoed back to the client, or null when it sent none
 * @param nonce put in the ID token, or null when the client sent none
 * @param scope the granted scope: the values asked for that the provider supports
 * @param codeChallenge the PKCE S256 challenge, or null (only a client with {@code requirePkce: false} may omit it)
 */
public record ValidatedRequest(AppConfig client, URI redirectUri, Scope scope, State state, Nonce nonce,
                               CodeChallenge codeChallenge) implements AuthorizationValidation {

    public ValidatedRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(scope, "scope");
    }
}
