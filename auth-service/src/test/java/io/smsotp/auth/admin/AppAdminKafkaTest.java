package io.smsotp.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AdminFixture.Answer;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.AppConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Applications through the admin API on a real auth-service: the key a create shows works on the
 * 2FA API at once, a rotated key keeps working for its overlap only, and the secrets are made by
 * the server, shown once and never answered again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppAdminKafkaTest {

    private static final String CHALLENGE = "{\"to\": \"+15551234567\"}";
    private AdminFixture admin;

    @BeforeAll
    void start() {
        admin = new AdminFixture();
    }

    @AfterAll
    void stop() {
        admin.close();
    }

    private int createChallenge(String key) {
        return admin.send("POST", ApiPaths.CHALLENGES, CHALLENGE, key, Map.of()).status();
    }

    @Test
    void anAppCreatedThroughTheApiWorksOnThe2faApiWithTheKeyShownOnce() {
        Answer created = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"kiosk\", \"name\": \"Kiosk\","
                + " \"otp\": {\"length\": 8}}");

        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.header("Location")).isEqualTo(ApiPaths.adminApp("kiosk"));
        String key = created.body().path("apiKey").asText();
        assertThat(key).matches("[A-Za-z0-9_-]{43}");
        assertThat(created.body().path("clientSecret").isNull()).isTrue();
        assertThat(created.body().path("app").path("apiKey").asText()).isEqualTo("***");
        assertThat(createChallenge(key)).isEqualTo(201);
        // stored only as its hash; never answered again
        AppConfig live = admin.service.liveConfig().app("kiosk").orElseThrow();
        assertThat(live.apiKey()).isEqualTo("sha256:" + AdminSettings.sha256Hex(key));
        assertThat(live.otp().length()).isEqualTo(8);
        assertThat(admin.get(ApiPaths.adminApp("kiosk")).raw().body()).doesNotContain(key)
                .doesNotContain(AdminSettings.sha256Hex(key));
        assertThat(admin.get(ApiPaths.ADMIN_APPS).raw().body()).doesNotContain(key);
    }

    @Test
    void anOidcClientGetsAClientSecretUnlessItIsPublic() {
        Answer confidential = admin.post(ApiPaths.ADMIN_APPS,
                "{\"id\": \"portal\", \"redirectUris\": [\"https://portal.example/cb\"]}");
        Answer pub = admin.post(ApiPaths.ADMIN_APPS,
                "{\"id\": \"spa\", \"redirectUris\": [\"https://spa.example/cb\"], \"publicClient\": true}");

        String secret = confidential.body().path("clientSecret").asText();
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(admin.service.liveConfig().app("portal").orElseThrow().clientSecret()).isEqualTo(secret);
        assertThat(confidential.body().path("app").path("clientSecret").asText()).isEqualTo("***");
        assertThat(pub.status()).isEqualTo(201);
        assertThat(pub.body().path("clientSecret").isNull()).isTrue();
        assertThat(admin.service.liveConfig().app("spa").orElseThrow().publicClient()).isTrue();

        Answer rotated = admin.post(ApiPaths.adminApp("portal") + "/rotate-secret", "");
        String next = rotated.body().path("clientSecret").asText();
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(next).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(secret);
        assertThat(admin.service.liveConfig().app("portal").orElseThrow().clientSecret()).isEqualTo(next);
        Answer noClient = admin.post(ApiPaths.adminApp("shop") + "/rotate-secret", "");
        assertThat(noClient.status()).isEqualTo(400);
        assertThat(noClient.body().path("message").asText()).startsWith("clientSecret");
        assertThat(admin.service.liveConfig().app("shop").orElseThrow().clientSecret()).isNull();
    }

    @Test
    void idsOfTheBuiltInClientsAreRefused() {
        Answer made = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"smsotp-account\", \"redirectUris\":"
                + " [\"https://evil.example/cb\"], \"publicClient\": true}");
        Answer other = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"SMSOTP-extra\"}");

        assertThat(made.status()).isEqualTo(400);
        assertThat(made.body().path("message").asText()).startsWith("id: ids starting with smsotp- are smsotp's own");
        assertThat(other.status()).isEqualTo(400);
        // they are not in the topic: nothing there to replace or delete
        assertThat(admin.delete(ApiPaths.adminApp("smsotp-account"), java.util.Map.of()).status()).isEqualTo(404);
    }

    @Test
    void theExistingIdIsRefusedWith409() {
        Answer again = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"shop\"}");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("error").asText()).isEqualTo("exists");
        assertThat(createChallenge(AdminFixture.SHOP_KEY)).isEqualTo(201);
    }

    @Test
    void aReplaceKeepsMaskedSecretsAndRefusesGivenOnes() {
        Answer created = admin.post(ApiPaths.ADMIN_APPS,
                "{\"id\": \"replaced\", \"redirectUris\": [\"https://replaced.example/cb\"]}");
        String key = created.body().path("apiKey").asText();
        String secret = created.body().path("clientSecret").asText();
        Answer read = admin.get(ApiPaths.adminApp("replaced"));
        ObjectNode body = ((ObjectNode) read.body()).put("name", "Replaced Ltd");

        Answer given = admin.put(ApiPaths.adminApp("replaced"), body.deepCopy().put("apiKey", "a-key-of-my-own-123456")
                .toString(), Map.of());
        Answer ok = admin.put(ApiPaths.adminApp("replaced"), body.toString(), Map.of("If-Match", read.header("ETag")));

        assertThat(given.status()).isEqualTo(400);
        assertThat(given.body().path("message").asText()).startsWith("apiKey").contains("rotate-key");
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(200);
        AppConfig live = admin.service.liveConfig().app("replaced").orElseThrow();
        assertThat(live.name()).isEqualTo("Replaced Ltd");
        assertThat(live.clientSecret()).isEqualTo(secret);
        assertThat(createChallenge(key)).isEqualTo(201);

        // left out: removed; the app stays an OIDC client, and its key stops working
        body.remove("apiKey");
        assertThat(admin.put(ApiPaths.adminApp("replaced"), body.toString(), Map.of()).status()).isEqualTo(200);
        assertThat(createChallenge(key)).isEqualTo(401);
    }

    @Test
    void aRotatedKeyWorksAtOnceAndTheOldOneOnlyUntilTheOverlapEnds() {
        String old = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"rotating\"}").body().path("apiKey").asText();
        Instant before = Instant.now();

        Answer rotated = admin.post(ApiPaths.adminApp("rotating") + "/rotate-key", "{\"overlap\": \"PT2S\"}");

        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.body().path("apiKey").asText();
        assertThat(fresh).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(old);
        Instant until = Instant.parse(rotated.body().path("retiredUntil").asText());
        assertThat(until).isBetween(before.plusSeconds(2), Instant.now().plusSeconds(2));
        assertThat(createChallenge(fresh)).isEqualTo(201);
        assertThat(createChallenge(old)).isEqualTo(201);
        await().atMost(Duration.ofSeconds(6)).until(() -> createChallenge(old) == 401);
        assertThat(Instant.now()).isAfterOrEqualTo(until);
        assertThat(createChallenge(fresh)).isEqualTo(201);

        // the next write drops the retired key whose overlap ended
        assertThat(admin.post(ApiPaths.adminApp("rotating") + "/rotate-key", "{\"overlap\": \"PT0S\"}").status())
                .isEqualTo(200);
        assertThat(admin.service.liveConfig().app("rotating").orElseThrow().retiredApiKeys()).isEmpty();
        assertThat(createChallenge(fresh)).isEqualTo(401);
    }

    @Test
    void aDeletedAppsKeyStopsAtOnce() {
        String key = admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"short-lived\"}").body().path("apiKey").asText();
        assertThat(createChallenge(key)).isEqualTo(201);

        assertThat(admin.delete(ApiPaths.adminApp("short-lived"), Map.of()).status()).isEqualTo(204);

        assertThat(createChallenge(key)).isEqualTo(401);
        assertThat(admin.get(ApiPaths.adminApp("short-lived")).status()).isEqualTo(404);
    }
}
