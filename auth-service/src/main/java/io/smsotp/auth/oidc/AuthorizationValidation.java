package io.smsotp.auth.oidc;

/** What {@link OidcProvider#validateAuthorizationRequest} found: a request to log in for, or an error. */
public sealed interface AuthorizationValidation permits ValidatedRequest, AuthorizationError {
}
