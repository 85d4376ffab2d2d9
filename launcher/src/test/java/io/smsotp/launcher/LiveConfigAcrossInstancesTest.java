package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsotp.auth.AuthService;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.ProviderConfig;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.dispatcher.SmsDispatcher;
import io.smsotp.launcher.gateway.FakeSmsGateway;
import io.smsotp.stream.OtpStreamService;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live configuration across instances on a real broker: two of each service (the embedded
 * default's and one more of each), a change made through the first auth-service instance's admin
 * API in effect on every instance without a restart.
 */
class LiveConfigAcrossInstancesTest {

    static final String KEY = "live-config-api-key-0123456789";
    static final Pattern CODE = Pattern.compile("\\b([0-9A-Z]{4,10}) is your ");

    static Path dataDir;
    static EmbeddedDefault system;
    static AuthService secondAuth;
    static OtpStreamService secondStream;
    static SmsDispatcher secondDispatcher;
    static FakeSmsGateway newProvider;
    static final List<Runnable> stops = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-live-config-");
        SmsOtpConfig config = ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: 0}
                kafka: {partitions: 4}
                apps:
                  - {id: shop, name: Shop, apiKey: %s}
                """.formatted(KEY), Map.of());
        system = EmbeddedDefault.start(config, dataDir, sms -> { });
        SmsOtpConfig cfg = system.config();
        secondStream = new OtpStreamService(cfg.withStream(cfg.stream().withStateDir(dataDir.resolve("streams-2")
                .toString())));
        secondStream.start();
        stops.add(secondStream::stop);
        secondDispatcher = new SmsDispatcher(cfg);
        secondDispatcher.start();
        stops.add(secondDispatcher::stop);
        secondAuth = AuthService.withKafka(cfg).start();
        stops.add(secondAuth::stop);
        newProvider = new FakeSmsGateway("127.0.0.1", 0).start();
        stops.add(newProvider::stop);
    }

    @AfterAll
    static void stop() {
        for (Runnable r : stops) {
            r.run();
        }
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    private static Http admin() {
        return new Http(system.authUrl(), system.generatedAdminKey());
    }

    @Test
    void aProviderSwappedThroughOneInstanceSendsTheNextSmsThroughEveryDispatcher() throws Exception {
        String old = system.auth().liveConfig().providers().get(0).name();

        Http.Answer added = admin().post("/admin/api/v1/providers", """
                {"name": "replacement", "url": "%s", "method": "POST", "headers": {"Content-Type": "application/json"},
                 "payload": "{\\"to\\":\\"$ctx.num\\",\\"text\\":\\"$ctx.msg\\",\\"id\\":\\"$ctx.id\\"}",
                 "successCodes": [202]}""".formatted(newProvider.sendUrl()));
        assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
        assertThat(admin().delete("/admin/api/v1/providers/" + old).status()).isEqualTo(204);

        List<SmsDispatcher> dispatchers = List.of(system.dispatcher(), secondDispatcher);
        // both in the group with partitions of their own (a loaded machine may still be rebalancing)
        await().atMost(Duration.ofSeconds(60)).until(() -> dispatchers.stream().allMatch(d -> d.ownedPartitions() > 0));
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(dispatchers).allSatisfy(d ->
                assertThat(d.providers()).extracting(ProviderConfig::name).containsExactly("replacement")));
        // numbers spread over the partitions, so both dispatchers send some
        Http second = new Http("http://localhost:" + secondAuth.port(), KEY);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String to = "+1212555" + String.format("%04d", 1000 + i);
            numbers.add(to);
            assertThat(second.createChallenge(to).status()).isEqualTo(201);
        }
        for (String to : numbers) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !newProvider.messagesTo(to).isEmpty());
            assertThat(system.gateway().messagesTo(to)).isEmpty();
        }
        assertThat(system.dispatcher().ownedPartitions()).isPositive();
        assertThat(secondDispatcher.ownedPartitions()).isPositive();
    }

    @Test
    void anAppCreatedOnOneInstanceWorksOnTheOtherWithinASecond() throws Exception {
        Http.Answer created = admin().post("/admin/api/v1/apps", "{\"id\": \"fresh\", \"name\": \"Fresh\"}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String key = created.body().path("apiKey").asText();

        Http other = new Http("http://localhost:" + secondAuth.port(), key);
        // the key known there: a create without a number is a 400 for a known key, a 401 for an unknown one
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> other.post("/api/v1/challenges", "{}").status() == 400);
        assertThat(other.createChallenge("+12125550177").status()).isEqualTo(201);
    }

    @Test
    void anOtpLengthChangedThroughOneInstanceShowsInTheNextSms() throws Exception {
        ObjectNode shop = (ObjectNode) admin().get("/admin/api/v1/apps/shop").body();
        shop.putObject("otp").put("length", 8);

        assertThat(admin().put("/admin/api/v1/apps/shop", shop.toString()).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(1)).until(() -> secondAuth.liveConfig().app("shop").orElseThrow()
                .otp().length() == 8);
        String to = "+12125550166";
        assertThat(new Http("http://localhost:" + secondAuth.port(), KEY).createChallenge(to).status()).isEqualTo(201);
        FakeSmsGateway.ReceivedSms sms = await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<FakeSmsGateway.ReceivedSms> got = new ArrayList<>(system.gateway().messagesTo(to));
            got.addAll(newProvider.messagesTo(to));
            return got;
        }, l -> !l.isEmpty()).get(0);
        Matcher m = CODE.matcher(sms.text());
        assertThat(m.find()).as(sms.text()).isTrue();
        assertThat(m.group(1)).hasSize(8);
    }
}
