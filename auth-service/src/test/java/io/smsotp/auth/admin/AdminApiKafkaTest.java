package io.smsotp.auth.admin;

import static io.smsotp.auth.admin.AdminFixture.ADMIN_KEY;
import static io.smsotp.auth.admin.AdminFixture.SHOP_KEY;
import static io.smsotp.auth.admin.AdminFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.router.Endpoint;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.admin.AdminFixture.Answer;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.config.AdminSettings;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.live.ConfigEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin API for providers and send limits, its refusals, its audit log and its OpenAPI
 * document, over real HTTP on a real auth-service whose live configuration is on the test broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiKafkaTest {

    private static final String BACKUP_TOKEN = "Bearer backup-secret-token-77aa";
    private AdminFixture admin;

    @BeforeAll
    void start() {
        admin = new AdminFixture();
    }

    @AfterAll
    void stop() {
        admin.close();
    }

    private static String provider(String name, String url) {
        return """
                {"name": "%s", "url": "%s", "method": "POST",
                 "headers": {"Authorization": "%s", "Content-Type": "application/x-www-form-urlencoded"},
                 "payload": "to=$ctx.num&text=$ctx.msg"}""".formatted(name, url, BACKUP_TOKEN);
    }

    @Test
    void aProviderIsAddedReadReplacedReorderedAndRemovedWithItsSecretsMasked() {
        Answer created = admin.post(ApiPaths.ADMIN_PROVIDERS, provider("backup", "http://127.0.0.1:9/v1"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.header("Location")).isEqualTo(ApiPaths.adminProvider("backup"));
        assertThat(created.body().path("headers").path("Authorization").asText()).isEqualTo("***");
        assertThat(created.raw().body()).doesNotContain("backup-secret-token");
        assertThat(names(admin.get(ApiPaths.ADMIN_PROVIDERS))).containsExactly("file-provider", "backup");
        assertThat(admin.get(ApiPaths.adminProvider("file-provider")).body().path("headers").path("Authorization")
                .asText()).isEqualTo("***");

        // the masked answer sent back with one change: the masked header keeps its value
        Answer read = admin.get(ApiPaths.adminProvider("backup"));
        ObjectNode changed = ((ObjectNode) read.body()).put("url", "http://127.0.0.1:9/v2");
        Answer replaced = admin.put(ApiPaths.adminProvider("backup"), changed.toString(),
                Map.of("If-Match", read.header("ETag")));

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.header("ETag")).isEqualTo("\"2\"");
        ProviderConfig live = admin.service.liveConfig().provider("backup").orElseThrow();
        assertThat(live.url()).isEqualTo("http://127.0.0.1:9/v2");
        assertThat(live.header("Authorization")).isEqualTo(BACKUP_TOKEN);

        Answer order = admin.put(ApiPaths.ADMIN_PROVIDERS_ORDER, "{\"names\": [\"backup\", \"file-provider\"]}",
                Map.of());
        assertThat(order.status()).isEqualTo(200);
        assertThat(names(order)).containsExactly("backup", "file-provider");
        assertThat(admin.service.liveConfig().providers()).extracting(ProviderConfig::name)
                .containsExactly("backup", "file-provider");

        Answer current = admin.get(ApiPaths.adminProvider("backup"));
        assertThat(admin.delete(ApiPaths.adminProvider("backup"), Map.of("If-Match", current.header("ETag"))).status())
                .isEqualTo(204);
        assertThat(admin.get(ApiPaths.adminProvider("backup")).status()).isEqualTo(404);
        assertThat(admin.service.liveConfig().providers()).extracting(ProviderConfig::name)
                .containsExactly("file-provider");
    }

    @Test
    void aPresetProvidersMaskedCredentialsSentBackKeepTheirValues() {
        Answer created = admin.post(ApiPaths.ADMIN_PROVIDERS, """
                {"name": "preset", "preset": "twilio", "baseUrl": "http://127.0.0.1:9", "from": "+15550001111",
                 "credentials": {"accountSid": "AC-sid-0001", "authToken": "twilio-token-secret-99"}}""");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String header = io.smsotp.dispatcher.provider.ProviderPresets.expand(
                admin.service.liveConfig().provider("preset").orElseThrow()).header("Authorization");
        assertThat(created.body().path("credentials").path("authToken").asText()).isEqualTo("***");
        assertThat(created.raw().body()).doesNotContain("twilio-token-secret").doesNotContain(header);

        ObjectNode changed = ((ObjectNode) admin.get(ApiPaths.adminProvider("preset")).body())
                .put("from", "+15550002222");
        Answer replaced = admin.put(ApiPaths.adminProvider("preset"), changed.toString(), Map.of());

        assertThat(replaced.status()).as(replaced.raw().body()).isEqualTo(200);
        ProviderConfig live = admin.service.liveConfig().provider("preset").orElseThrow();
        assertThat(live.from()).isEqualTo("+15550002222");
        assertThat(live.credentials()).containsEntry("authToken", "twilio-token-secret-99");
        assertThat(io.smsotp.dispatcher.provider.ProviderPresets.expand(live).header("Authorization"))
                .isEqualTo(header);
        admin.delete(ApiPaths.adminProvider("preset"), Map.of());
    }

    @Test
    void aStaleIfMatchIsRefusedWith412AndChangesNothing() {
        admin.post(ApiPaths.ADMIN_PROVIDERS, provider("stale-check", "http://127.0.0.1:9/v1"));
        String first = provider("stale-check", "http://127.0.0.1:9/v2");
        assertThat(admin.put(ApiPaths.adminProvider("stale-check"), first, Map.of("If-Match", "\"1\"")).status())
                .isEqualTo(200);

        Answer stale = admin.put(ApiPaths.adminProvider("stale-check"),
                provider("stale-check", "http://127.0.0.1:9/v3"), Map.of("If-Match", "\"1\""));
        Answer staleDelete = admin.delete(ApiPaths.adminProvider("stale-check"), Map.of("If-Match", "\"1\""));
        Answer staleLimits = admin.put(ApiPaths.ADMIN_RATE_LIMITS, "{}", Map.of("If-Match", "\"99\""));
        Answer notANumber = admin.put(ApiPaths.adminProvider("stale-check"), first, Map.of("If-Match", "\"abc\""));

        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.body().path("error").asText()).isEqualTo("stale");
        assertThat(staleDelete.status()).isEqualTo(412);
        assertThat(staleLimits.status()).isEqualTo(412);
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.body().path("message").asText()).startsWith("If-Match");
        Answer now = admin.get(ApiPaths.adminProvider("stale-check"));
        assertThat(now.header("ETag")).isEqualTo("\"2\"");
        assertThat(now.body().path("url").asText()).isEqualTo("http://127.0.0.1:9/v2");
        admin.delete(ApiPaths.adminProvider("stale-check"), Map.of());
    }

    @Test
    void badFieldsAreRefusedWith400NamingTheFieldAndChangeNothing() {
        Map<String, ConfigEntry> before = admin.service.liveConfig().entries();
        String file = admin.get(ApiPaths.adminProvider("file-provider")).raw().body();

        assertBadField(admin.post(ApiPaths.ADMIN_PROVIDERS,
                "{\"name\": \"bad\", \"url\": \"ftp://127.0.0.1/x\", \"method\": \"GET\"}"), "url");
        assertBadField(admin.post(ApiPaths.ADMIN_PROVIDERS,
                "{\"name\": \"bad\", \"url\": \"http://127.0.0.1/x\", \"method\": \"PATCH\"}"), "method");
        assertBadField(admin.post(ApiPaths.ADMIN_PROVIDERS,
                "{\"name\": \"bad\", \"url\": \"http://127.0.0.1/x\", \"colour\": \"red\"}"), "colour");
        assertBadField(admin.post(ApiPaths.ADMIN_PROVIDERS, "{\"name\": \"bad\", \"url\": \"http://127.0.0.1/x\","
                + " \"headers\": {\"Authorization\": \"***\"}}"), "headers.Authorization");
        assertBadField(admin.put(ApiPaths.adminProvider("file-provider"), file.replace("\"file-provider\"",
                "\"renamed\""), Map.of()), "name");
        assertBadField(admin.put(ApiPaths.adminProvider("file-provider"), file.replace("http://127.0.0.1:9/send",
                "not a url"), Map.of()), "url");
        assertBadField(admin.put(ApiPaths.ADMIN_RATE_LIMITS, "{\"perNumber\": {\"max\": 0}}", Map.of()), "max");
        assertBadField(admin.put(ApiPaths.ADMIN_PROVIDERS_ORDER, "{\"names\": [\"nobody\"]}", Map.of()), "names");
        assertBadField(admin.put(ApiPaths.ADMIN_PROVIDERS_ORDER, "{\"order\": []}", Map.of()), "names");
        assertBadField(admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"given-key\", \"apiKey\": \"" + SHOP_KEY + "\"}"),
                "apiKey");
        assertBadField(admin.post(ApiPaths.ADMIN_APPS, "{\"id\": \"bad-subject\", \"subjectClaim\": \"email\"}"),
                "subjectClaim");
        assertBadField(admin.post(ApiPaths.adminApp("shop") + "/rotate-key", "{\"overlap\": \"one day\"}"), "overlap");
        assertBadField(admin.post(ApiPaths.adminApp("shop") + "/rotate-key", "{\"overlap\": \"P31D\"}"), "overlap");
        assertBadField(admin.get(ApiPaths.ADMIN_AUDIT + "?limit=0"), "limit");
        Answer malformed = admin.post(ApiPaths.ADMIN_PROVIDERS, "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("error").asText()).isEqualTo("malformed_json");

        assertThat(admin.service.liveConfig().entries()).isEqualTo(before);
    }

    private static void assertBadField(Answer a, String field) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(400);
        assertThat(a.body().path("message").asText()).as(a.raw().body()).contains(field);
    }

    @Test
    void unknownProvidersAndAppsAre404() {
        List<Answer> answers = List.of(
                admin.get(ApiPaths.adminProvider("nobody")),
                admin.put(ApiPaths.adminProvider("nobody"), provider("nobody", "http://127.0.0.1:9/x"), Map.of()),
                admin.delete(ApiPaths.adminProvider("nobody"), Map.of()),
                admin.post(ApiPaths.adminProvider("nobody") + "/test", "{\"to\": \"+15551234567\"}"),
                admin.get(ApiPaths.adminApp("nobody")),
                admin.put(ApiPaths.adminApp("nobody"),
                        "{\"id\": \"nobody\", \"redirectUris\": [\"https://x.example/cb\"]}", Map.of()),
                admin.delete(ApiPaths.adminApp("nobody"), Map.of()),
                admin.post(ApiPaths.adminApp("nobody") + "/rotate-key", "{}"),
                admin.post(ApiPaths.adminApp("nobody") + "/rotate-secret", ""),
                admin.get(ApiPaths.ADMIN_API + "/no-such-thing"));

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.raw().uri() + " " + a.raw().body()).isEqualTo(404);
            assertThat(a.body().path("error").asText()).isEqualTo("not_found");
        });
    }

    @Test
    void anApplicationKeyAndNoKeyAre401OnTheAdminApi() {
        for (String path : List.of(ApiPaths.ADMIN_PROVIDERS, ApiPaths.ADMIN_APPS, ApiPaths.ADMIN_AUDIT,
                ApiPaths.ADMIN_RATE_LIMITS, ApiPaths.ADMIN_API + "/no-such-thing")) {
            Answer appKey = admin.send("GET", path, null, SHOP_KEY, Map.of());
            Answer none = admin.send("GET", path, null, null, Map.of());
            assertThat(appKey.status()).as(path).isEqualTo(401);
            assertThat(appKey.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(none.status()).as(path).isEqualTo(401);
        }
        Answer write = admin.send("POST", ApiPaths.ADMIN_PROVIDERS, provider("sneaky", "http://127.0.0.1:9/x"),
                SHOP_KEY, Map.of());
        assertThat(write.status()).isEqualTo(401);
        assertThat(admin.service.liveConfig().provider("sneaky")).isEmpty();
        assertThat(admin.send("GET", ApiPaths.ADMIN_PROVIDERS, null, AdminFixture.SECOND_ADMIN_KEY, Map.of()).status())
                .isEqualTo(200);
    }

    @Test
    void rateLimitsAreReadAndReplacedLive() {
        Answer read = admin.get(ApiPaths.ADMIN_RATE_LIMITS);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().path("perNumber").path("max").asInt()).isEqualTo(5);

        Answer replaced = admin.put(ApiPaths.ADMIN_RATE_LIMITS,
                "{\"perNumber\": {\"max\": 3, \"window\": \"PT15M\"}, \"perIp\": {\"max\": 40, \"window\": \"PT10M\"}}",
                Map.of("If-Match", read.header("ETag")));

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(Long.parseLong(replaced.header("ETag").replace("\"", "")))
                .isEqualTo(Long.parseLong(read.header("ETag").replace("\"", "")) + 1);
        assertThat(admin.service.liveConfig().rateLimits().perNumber().max()).isEqualTo(3);
        assertThat(admin.service.liveConfig().rateLimits().perNumber().window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(admin.get(ApiPaths.ADMIN_RATE_LIMITS).body().path("perIp").path("max").asInt()).isEqualTo(40);
    }

    @Test
    void theAuditLogListsEveryChangeByItsActorAndHoldsNoSecret() {
        admin.post(ApiPaths.ADMIN_PROVIDERS, provider("audited", "http://127.0.0.1:9/v1"));
        Answer app = admin.post(ApiPaths.ADMIN_APPS,
                "{\"id\": \"audited-app\", \"redirectUris\": [\"https://audited.example/cb\"]}");
        Answer rotated = admin.post(ApiPaths.adminApp("audited-app") + "/rotate-key", "{\"overlap\": \"PT1H\"}");
        Answer secret = admin.post(ApiPaths.adminApp("audited-app") + "/rotate-secret", "");
        admin.put(ApiPaths.adminApp("audited-app"), admin.get(ApiPaths.adminApp("audited-app")).raw().body()
                .replace("\"name\":\"audited-app\"", "\"name\":\"Audited\""), Map.of());
        admin.delete(ApiPaths.adminProvider("audited"), Map.of());
        admin.delete(ApiPaths.adminApp("audited-app"), Map.of());
        List<String> secrets = List.of("backup-secret-token", TOKEN, SHOP_KEY, ADMIN_KEY,
                app.body().path("apiKey").asText(), app.body().path("clientSecret").asText(),
                rotated.body().path("apiKey").asText(), secret.body().path("clientSecret").asText());
        assertThat(secrets).allSatisfy(s -> assertThat(s).hasSizeGreaterThan(16));

        String actor = "key:" + AdminSettings.sha256Hex(ADMIN_KEY).substring(0, 8);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Answer audit = admin.get(ApiPaths.ADMIN_AUDIT + "?q=audited&limit=500");
            assertThat(audit.status()).isEqualTo(200);
            List<String> actions = new ArrayList<>();
            audit.body().path("items").forEach(r -> actions.add(r.path("action").asText() + " "
                    + r.path("target").asText() + " " + r.path("actor").asText()));
            assertThat(actions).containsExactly(
                    "app.delete app/audited-app " + actor,
                    "provider.delete provider/audited " + actor,
                    "app.replace app/audited-app " + actor,
                    "app.rotateSecret app/audited-app " + actor,
                    "app.rotateKey app/audited-app " + actor,
                    "app.create app/audited-app " + actor,
                    "provider.create provider/audited " + actor);
        });
        String everything = admin.get(ApiPaths.ADMIN_AUDIT + "?limit=500").raw().body();
        assertThat(everything).contains("provider.seed", "app.seed", "app.rotateKey");
        assertThat(secrets).allSatisfy(s -> assertThat(everything).doesNotContain(s));
        // the stored key hashes are no secret, but are masked all the same
        assertThat(everything).doesNotContain(AdminSettings.sha256Hex(SHOP_KEY));
    }

    @Test
    void theOpenApiDocumentIsPublicAndCoversEveryAdminRoute() throws Exception {
        Answer doc = admin.send("GET", ApiPaths.ADMIN_OPENAPI, null, null, Map.of());

        assertThat(doc.status()).isEqualTo(200);
        JsonNode openApi = ApiJson.MAPPER.readTree(doc.raw().body());
        assertThat(openApi.path("openapi").asText()).startsWith("3.0.");
        assertThat(openApi.path("servers").get(0).path("url").asText()).isEqualTo(ApiPaths.ADMIN_API);
        List<String> registered = new ArrayList<>();
        for (var parsed : admin.service.app().unsafe.internalRouter.allHttpHandlers()) {
            Endpoint e = parsed.endpoint;
            if (e.method.isHttpMethod() && e.path.startsWith(ApiPaths.ADMIN_API + "/")) {
                registered.add(e.method.name().toLowerCase(Locale.ROOT) + " " + e.path);
            }
        }
        assertThat(registered).hasSizeGreaterThanOrEqualTo(18);
        assertThat(registered).allSatisfy(route -> {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).substring(ApiPaths.ADMIN_API.length());
            assertThat(openApi.path("paths").path(path).has(method)).as(route + " in openapi.json").isTrue();
        });
        // the users API, built beside this one, is in the document too
        for (String path : List.of("/users", "/users/{username}", "/users/{username}/backup-codes",
                "/users/{username}/unlock")) {
            assertThat(openApi.path("paths").has(path)).as(path).isTrue();
        }
        assertThat(refsIn(openApi)).isNotEmpty().allSatisfy(ref ->
                assertThat(openApi.at(ref.substring(1)).isMissingNode()).as(ref).isFalse());
    }

    private static List<String> refsIn(JsonNode node) {
        List<String> refs = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    refs.add(f.getValue().asText());
                } else {
                    refs.addAll(refsIn(f.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> refs.addAll(refsIn(n)));
        }
        return refs;
    }

    private static List<String> names(Answer list) {
        List<String> names = new ArrayList<>();
        list.body().path("items").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }
}
