package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smsotp.auth.AuthService;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One approval per code under concurrency: 100 verify calls with the right code, all at once,
 * spread over two auth-service instances in front of one otp-stream on a real broker. The single
 * writer sees them one at a time, so exactly one is {@code valid:true} and the rest are 409.
 */
class ExactlyOneApprovalTest {

    static final String KEY = "exactly-once-api-key-0123456789";
    static final Pattern CODE = Pattern.compile("\\b([0-9]{6}) is your ");

    static Path dataDir;
    static EmbeddedDefault system;
    static AuthService second;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("smsotp-exactly-once-");
        SmsOtpConfig config = ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: 0}
                apps:
                  - {id: shop, name: Shop, apiKey: %s, otp: {maxAttempts: 5}}
                """.formatted(KEY), Map.of());
        system = EmbeddedDefault.start(config, dataDir, sms -> { });
        // a second instance, as a load balancer would have: its own Kafka consumer and reply routing
        second = AuthService.withKafka(system.config()).start();
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.stop();
        }
        if (system != null) {
            system.close();
        }
        TestKafka.deleteRecursively(dataDir);
    }

    @Test
    void oneHundredConcurrentRightCodesOverTwoInstancesApproveExactlyOnce() throws Exception {
        Http first = new Http(system.authUrl(), KEY);
        Http other = new Http("http://localhost:" + second.port(), KEY);
        String to = "+12125550199";
        Http.Answer created = first.createChallenge(to);
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asText();
        String code = codeOf(await().atMost(Duration.ofSeconds(30))
                .until(() -> system.gateway().messagesTo(to), l -> !l.isEmpty()).get(0));

        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Http instance = i % 2 == 0 ? first : other;
                Callable<Http.Answer> call = () -> {
                    go.await();
                    return instance.verify(id, code);
                };
                answers.add(pool.submit(call));
            }
            go.countDown();
            int approved = 0;
            int conflicts = 0;
            for (Future<Http.Answer> f : answers) {
                Http.Answer a = f.get();
                if (a.status() == 200 && a.body().path("valid").asBoolean()) {
                    approved++;
                } else if (a.status() == 409 && a.body().path("status").asText().equals("approved")) {
                    conflicts++;
                }
            }
            assertThat(approved).as("valid:true answers").isEqualTo(1);
            assertThat(conflicts).as("409 answers").isEqualTo(99);
        } finally {
            pool.shutdownNow();
        }
        assertThat(other.get("/api/v1/challenges/" + id).body().path("status").asText()).isEqualTo("approved");
    }

    static String codeOf(ReceivedSms sms) {
        Matcher m = CODE.matcher(sms.text());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
