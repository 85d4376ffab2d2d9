package io.smsotp.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import io.smsotp.config.AppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query of {@code /oauth2/authorize} is whatever a browser was sent with: any parameters give an
 * {@link AuthorizationError} or a {@link ValidatedRequest}, never an exception, and nothing ever
 * redirects anywhere but to a redirect URI registered for the client the request names.
 */
class AuthorizeParametersFuzzTest {

    private static final OidcFixture FIXTURE;
    private static final String[] NAMES = {"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
            "code_challenge", "code_challenge_method", "response_mode", "request", "request_uri", "prompt", "max_age",
            "claims", "display", "ui_locales", "login_hint", "id_token_hint", "acr_values"};
    private static final String[] VALUES = {"spa", "web", "api", "SPA", OidcFixture.SPA_CB.toString(),
            OidcFixture.WEB_CB.toString(), OidcFixture.SPA_CB + "/", OidcFixture.SPA_CB + "?x=1", "code", "token",
            "code id_token", "openid", "openid profile", "profile", "S256", "plain", "query", "fragment", "none", "login",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "", "0", "-1", "{}", "%00"};

    static {
        try {
            FIXTURE = new OidcFixture(Files.createTempDirectory("smsotp-fuzz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void answersAnyParametersAndRedirectsOnlyToARegisteredUri(FuzzedDataProvider data) {
        Map<String, List<String>> params = new HashMap<>();
        int n = data.consumeInt(0, 10);
        for (int i = 0; i < n; i++) {
            String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(20);
            List<String> values = new ArrayList<>();
            int count = data.consumeInt(0, 3) == 0 ? data.consumeInt(0, 2) : 1;
            for (int v = 0; v < count; v++) {
                values.add(data.consumeBoolean() ? data.pickValue(VALUES) : data.consumeString(80));
            }
            params.put(name, values);
        }

        AuthorizationValidation result = FIXTURE.provider.validateAuthorizationRequest(params);

        assertThat(result).isNotNull();
        String clientId = single(params, "client_id");
        if (result instanceof ValidatedRequest valid) {
            assertThat(valid.client().id()).isEqualTo(clientId);
            assertThat(valid.client().redirectUris()).contains(valid.redirectUri().toString());
        } else if (result instanceof AuthorizationError error && error.redirectable()) {
            AppConfig client = FIXTURE.provider.client(clientId).orElseThrow();
            assertThat(client.redirectUris()).contains(error.redirectUri().toString());
            assertThat(error.redirectUri().toString()).isEqualTo(single(params, "redirect_uri"));
            URI location = error.redirectLocation();
            assertThat(location.getScheme()).isEqualTo(error.redirectUri().getScheme());
            assertThat(location.getRawAuthority()).isEqualTo(error.redirectUri().getRawAuthority());
            assertThat(location.getRawPath()).isEqualTo(error.redirectUri().getRawPath());
            assertThat(location.getRawFragment()).isNull();
            assertThat(URLUtils.parseParameters(location.getRawQuery()).keySet())
                    .contains("error").isSubsetOf("error", "error_description", "state");
        }
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }
}
