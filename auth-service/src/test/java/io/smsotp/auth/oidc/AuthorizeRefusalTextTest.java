package io.smsotp.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals that name what the client sent, whatever characters it used (found by AuthorizeParametersFuzzTest). */
class AuthorizeRefusalTextTest {

    @TempDir
    Path dataDir;
    OidcFixture fx;

    @BeforeEach
    void open() {
        fx = new OidcFixture(dataDir);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void redirectsARepeatedParameterWithAQuoteOrNonAsciiInItsNameAsInvalidRequest() {
        // RFC 6749 allows no '"', '\' or non-ASCII in an error description: nimbus threw for this one
        Map<String, List<String>> params = Map.of("client_id", List.of("web"),
                "redirect_uri", List.of(OidcFixture.WEB_CB.toString()), "response_type", List.of("code"),
                "scope", List.of("openid"), "sté\"\\p", List.of("1", "2"));

        AuthorizationValidation result = fx.provider.validateAuthorizationRequest(params);

        assertThat(result).isInstanceOfSatisfying(AuthorizationError.class, error -> {
            assertThat(error.redirectUri()).isEqualTo(OidcFixture.WEB_CB);
            assertThat(error.error().getCode()).isEqualTo("invalid_request");
            assertThat(error.error().getDescription()).isEqualTo("stp is repeated");
            assertThat(error.redirectLocation().toString()).startsWith(OidcFixture.WEB_CB + "?");
        });
    }

    @Test
    void redirectsAnErrorForARequestWhoseStateIsBlankWithoutState() {
        // nimbus threw IllegalArgumentException for a state of whitespace only
        Map<String, List<String>> params = Map.of("client_id", List.of("web"),
                "redirect_uri", List.of(OidcFixture.WEB_CB.toString()), "response_type", List.of("token"),
                "scope", List.of("openid"), "state", List.of(" \n"));

        AuthorizationValidation result = fx.provider.validateAuthorizationRequest(params);

        assertThat(result).isInstanceOfSatisfying(AuthorizationError.class, error -> {
            assertThat(error.state()).isNull();
            assertThat(error.error().getCode()).isEqualTo("unsupported_response_type");
            assertThat(error.redirectLocation().getQuery()).doesNotContain("state");
        });
    }

    @Test
    void redirectsAPromptWithAQuoteAsInvalidRequest() {
        // nimbus's own parser threw IllegalArgumentException while it worded this error
        Map<String, List<String>> params = Map.of("client_id", List.of("web"),
                "redirect_uri", List.of(OidcFixture.WEB_CB.toString()), "response_type", List.of("code"),
                "scope", List.of("openid"), "prompt", List.of("log\"in"));

        AuthorizationValidation result = fx.provider.validateAuthorizationRequest(params);

        assertThat(result).isInstanceOfSatisfying(AuthorizationError.class, error -> {
            assertThat(error.redirectUri()).isEqualTo(OidcFixture.WEB_CB);
            assertThat(error.error().getCode()).isEqualTo("invalid_request");
        });
    }

    @Test
    void redirectsAScopeWithAControlCharacterTokenAsInvalidScope() {
        // nimbus's Scope.parse threw IllegalArgumentException for the vertical tab token
        Map<String, List<String>> params = Map.of("client_id", List.of("web"),
                "redirect_uri", List.of(OidcFixture.WEB_CB.toString()), "response_type", List.of("code"),
                "scope", List.of("openid \u000b"));

        AuthorizationValidation result = fx.provider.validateAuthorizationRequest(params);

        assertThat(result).isInstanceOfSatisfying(AuthorizationError.class, error -> {
            assertThat(error.redirectUri()).isEqualTo(OidcFixture.WEB_CB);
            assertThat(error.error().getCode()).isEqualTo("invalid_scope");
        });
    }
}
