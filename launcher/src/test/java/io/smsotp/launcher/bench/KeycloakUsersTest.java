package io.smsotp.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.users.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Keycloak side of the login comparison: its users, their TOTP codes and the pages' forms. */
class KeycloakUsersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void totpMatchesRfc6238sSha1TestVectorsCutToSixDigits() {
        // RFC 6238, appendix B: the SHA-1 key, 8-digit values; 6 digits are the same number mod 10^6
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertThat(KeycloakUsers.totp(key, 59)).isEqualTo("287082");
        assertThat(KeycloakUsers.totp(key, 1111111109)).isEqualTo("081804");
        assertThat(KeycloakUsers.totp(key, 1111111111)).isEqualTo("050471");
        assertThat(KeycloakUsers.totp(key, 1234567890)).isEqualTo("005924");
        assertThat(KeycloakUsers.totp(key, 2000000000)).isEqualTo("279037");
        assertThat(KeycloakUsers.totp(key, 20000000000L)).isEqualTo("353130");
    }

    @Test
    void aUserLogsInAtMostOnceInATotpStepBecauseKeycloakRefusesACodeUsedBefore() {
        KeycloakUsers users = new KeycloakUsers(3);
        long step0 = 1_000L * KeycloakUsers.STEP_SECONDS * 1_000_000;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            names.add(users.tryNext(step0 + 1_000).orElseThrow().username());
        }
        assertThat(names).hasSize(3);
        assertThat(users.tryNext(step0 + 29_999)).as("every user has logged in during this step").isEmpty();
        assertThat(users.tryNext(step0 + KeycloakUsers.STEP_SECONDS * 1_000L)).as("the next step").isPresent();
    }

    @Test
    void everyUserCarriesKeycloaksArgon2idHashOfThePasswordAndATotpSecretOfItsOwn() throws Exception {
        KeycloakUsers users = new KeycloakUsers(2);
        var reps = users.representations();
        assertThat(reps).hasSize(2);
        JsonNode password = reps.get(0).path("credentials").get(0);
        assertThat(password.path("type").asText()).isEqualTo("password");
        JsonNode data = JSON.readTree(password.path("credentialData").asText());
        assertThat(data.path("algorithm").asText()).isEqualTo("argon2");
        assertThat(data.path("hashIterations").asInt()).isEqualTo(5);
        assertThat(data.path("additionalParameters").path("memory").get(0).asText()).isEqualTo("7168");
        assertThat(data.path("additionalParameters").path("parallelism").get(0).asText()).isEqualTo("1");
        assertThat(data.path("additionalParameters").path("type").get(0).asText()).isEqualTo("id");
        JsonNode secret = JSON.readTree(password.path("secretData").asText());
        // the stored hash is the password's Argon2id at those parameters: the same PHC string verifies
        String phc = "$argon2id$v=19$m=7168,t=5,p=1$" + unpad(secret.path("salt").asText()) + "$"
                + unpad(secret.path("value").asText());
        assertThat(new PasswordHasher().verify(users.password().toCharArray(), phc)).isTrue();
        assertThat(new PasswordHasher().verify("not the password".toCharArray(), phc)).isFalse();

        JsonNode otp0 = reps.get(0).path("credentials").get(1);
        JsonNode otp1 = reps.get(1).path("credentials").get(1);
        assertThat(otp0.path("type").asText()).isEqualTo("otp");
        assertThat(JSON.readTree(otp0.path("credentialData").asText()).path("period").asInt()).isEqualTo(30);
        assertThat(otp0.path("secretData").asText()).isNotEqualTo(otp1.path("secretData").asText());
        assertThat(reps.get(0).path("email").asText()).as("a complete profile: no update-profile page")
                .endsWith("@bench.invalid");
    }

    @Test
    void theRealmHasOneConfidentialClientWithPkce() {
        ObjectNode realm = new KeycloakUsers(1).realm();
        assertThat(realm.path("realm").asText()).isEqualTo(KeycloakProcess.REALM);
        JsonNode client = realm.path("clients").get(0);
        assertThat(client.path("publicClient").asBoolean()).isFalse();
        assertThat(client.path("redirectUris").get(0).asText()).isEqualTo(KeycloakUsers.REDIRECT_URI);
        assertThat(client.path("attributes").path("pkce.code.challenge.method").asText()).isEqualTo("S256");
    }

    @Test
    void aFormsActionIsReadByItsIdAndAMissingFormNamesTheStep() {
        String page = "<form id=\"kc-form-login\" class=\"x\" onsubmit=\"a\" action=\"http://h/realms/bench/login-actions/"
                + "authenticate?session_code=abc&amp;execution=e&amp;client_id=c\" method=\"post\">";
        assertThat(KeycloakLogin.formAction(page, "kc-form-login", "authorize"))
                .isEqualTo("http://h/realms/bench/login-actions/authenticate?session_code=abc&execution=e&client_id=c");
        assertThatThrownBy(() -> KeycloakLogin.formAction(page, "kc-otp-login-form", "password"))
                .isInstanceOf(IllegalStateException.class).hasMessage("password: the answer has no form kc-otp-login-form");
    }

    private static String unpad(String base64) {
        return base64.replace("=", "");
    }
}
