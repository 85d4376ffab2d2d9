package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.launcher.Options;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Steady load on a running cluster, from outside, for the fault test ({@code deploy/fault-test.sh}):
 * creates challenges at a fixed rate through the 2FA API, reads each one's code from the fake
 * gateway's inbox, verifies it, and replays the verify. While it runs, the script kills and
 * restarts parts of the cluster and writes what it did, with the time, to the events file. At the
 * end this prints what every answered create came to ({@link FaultReport}) and exits 1 when a
 * challenge answered {@code 201} was lost (no SMS, or never approved), was approved twice, or a
 * request hung past the request timeout.
 *
 * <pre>java -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.FaultLoad --api http://127.0.0.1:8080
 *     --inbox http://127.0.0.1:8090 --key-file KEY --rate 5 --duration PT3M --events FILE</pre>
 */
public final class FaultLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE = Pattern.compile("\\b(\\d{4,10})\\b");

    private final URI api;
    private final URI inbox;
    private final String key;
    private final Duration requestTimeout;
    private final Duration settle;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final long startNanos = System.nanoTime();

    FaultLoad(URI api, URI inbox, String key, Duration requestTimeout, Duration settle) {
        this.api = api;
        this.inbox = inbox;
        this.key = key;
        this.requestTimeout = requestTimeout;
        this.settle = settle;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse("fault-load", args,
                Set.of("api", "inbox", "key-file", "rate", "duration", "events", "request-timeout", "settle"));
        String key = Files.readString(Path.of(o.required("key-file"))).strip();
        FaultLoad load = new FaultLoad(URI.create(o.get("api", "http://127.0.0.1:8080")),
                URI.create(o.get("inbox", "http://127.0.0.1:8090")), key,
                Duration.parse(o.get("request-timeout", "PT15S")), Duration.parse(o.get("settle", "PT4M")));
        double rate = Double.parseDouble(o.get("rate", "5"));
        Duration duration = Duration.parse(o.get("duration", "PT3M"));
        long wallStart = System.currentTimeMillis();
        List<ChallengeRun> runs = load.run(rate, duration);
        Map<String, Integer> smsPerNumber = load.inboxCounts();
        FaultReport report = new FaultReport(runs, smsPerNumber, FaultReport.readEvents(o.get("events", null)),
                wallStart, rate, duration);
        report.print(System.out);
        System.exit(report.passed() ? 0 : 1);
    }

    /** Creates at {@code rate} per second for {@code duration}, each followed to its end on its own thread. */
    List<ChallengeRun> run(double rate, Duration duration) throws InterruptedException {
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-load");
            t.setDaemon(true);
            return t;
        });
        List<ChallengeRun> runs = new ArrayList<>();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long end = startNanos + duration.toNanos();
        // numbers of the form +1 555 NXX XXXX, new each run, so that the per-number send limit never applies
        long base = ThreadLocalRandom.current().nextLong(8_000_000L);
        int i = 0;
        for (long next = startNanos; next < end; next += intervalNanos, i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            ChallengeRun run = new ChallengeRun("+1555" + (2_000_000L + (base + i) % 8_000_000L),
                    System.currentTimeMillis());
            runs.add(run);
            workers.submit(() -> follow(run));
        }
        workers.shutdown();
        if (!workers.awaitTermination(settle.toSeconds() + 60, TimeUnit.SECONDS)) {
            System.err.println("fault-load: some challenges were still being followed when the settle time ended");
        }
        return runs;
    }

    /** One challenge: create, wait for its SMS, verify until answered, replay the verify. */
    private void follow(ChallengeRun run) {
        long deadline = System.nanoTime() + settle.toNanos();
        try {
            long t0 = System.nanoTime();
            HttpResponse<String> created;
            try {
                created = post(api.resolve("/api/v1/challenges"), "{\"to\":\"" + run.number + "\"}");
            } catch (HttpTimeoutException e) {
                run.createFailed(System.nanoTime() - t0, "no answer within " + requestTimeout.toSeconds() + " s", true);
                return;
            } catch (IOException e) {
                run.createFailed(System.nanoTime() - t0, "connection: " + e.getClass().getSimpleName(), false);
                return;
            }
            long latency = System.nanoTime() - t0;
            if (created.statusCode() != 201) {
                run.createFailed(latency, created.statusCode() + " " + errorOf(created.body()), false);
                return;
            }
            run.created(latency, JSON.readTree(created.body()).path("id").asText());
            String code = awaitCode(run, deadline);
            if (code == null) {
                return;
            }
            verifyUntilAnswered(run, code, deadline);
            if (run.approved()) {
                // the same code again: a second "valid" would be a second approval (its 409 is no retry)
                HttpResponse<String> replay = replayOnce(run, code);
                if (replay != null && replay.statusCode() == 200 && JSON.readTree(replay.body()).path("valid").asBoolean()) {
                    run.valid();
                }
            }
        } catch (IOException | RuntimeException e) {
            run.note("error: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String awaitCode(ChallengeRun run, long deadline) throws InterruptedException, IOException {
        URI uri = inbox.resolve("/messages?to=" + URLEncoder.encode(run.number, StandardCharsets.UTF_8));
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode messages = JSON.readTree(answer.body());
                if (answer.statusCode() == 200 && messages.isArray() && messages.size() > 0) {
                    run.smsArrived(System.currentTimeMillis());
                    Matcher m = CODE.matcher(messages.get(messages.size() - 1).path("text").asText());
                    if (m.find()) {
                        return m.group(1);
                    }
                    run.note("an SMS without a code");
                    return null;
                }
            } catch (HttpTimeoutException e) {
                // the gateway is paused: ask again
            }
            Thread.sleep(250);
        }
        run.note("no SMS within " + settle.toSeconds() + " s");
        return null;
    }

    private void verifyUntilAnswered(ChallengeRun run, String code, long deadline) throws InterruptedException, IOException {
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = verifyOnce(run, code);
            if (answer != null && answer.statusCode() == 409) {
                // no longer pending: an earlier verify whose answer was lost (503, timeout) may have approved it
                String status = statusOf(run);
                if ("approved".equals(status)) {
                    run.approvedEarlier();
                    return;
                }
                if (status != null) {
                    run.note("verify refused: the challenge is " + status);
                    return;
                }
            }
            if (answer != null && answer.statusCode() == 200) {
                JsonNode body = JSON.readTree(answer.body());
                if (body.path("valid").asBoolean()) {
                    run.valid();
                    return;
                }
                if ("approved".equals(body.path("status").asText())) {
                    // an earlier verify was approved but its answer was lost (a 503 or a timeout)
                    run.approvedEarlier();
                    return;
                }
                run.note("code refused: " + body.path("status").asText());
                return;
            }
            Thread.sleep(1000);
        }
        run.note("verify not answered within " + settle.toSeconds() + " s");
    }

    /** The challenge's status from {@code GET /api/v1/challenges/{id}}; null when that got no answer. */
    private String statusOf(ChallengeRun run) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/challenges/" + run.id()))
                    .timeout(requestTimeout).header("Authorization", "Bearer " + key).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("status").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** One verify; null when it got no answer (counted as a verify retry). */
    private HttpResponse<String> verifyOnce(ChallengeRun run, String code) throws InterruptedException {
        try {
            HttpResponse<String> answer = sendVerify(run, code);
            if (answer.statusCode() != 200) {
                run.verifyRetried(answer.statusCode() + " " + errorOf(answer.body()));
            }
            return answer;
        } catch (IOException e) {
            run.verifyRetried(e instanceof HttpTimeoutException ? "timeout" : "connection");
            return null;
        }
    }

    /** The approved code sent again, as an attacker would replay it; null when it got no answer. */
    private HttpResponse<String> replayOnce(ChallengeRun run, String code) throws InterruptedException {
        try {
            return sendVerify(run, code);
        } catch (IOException e) {
            return null;
        }
    }

    private HttpResponse<String> sendVerify(ChallengeRun run, String code) throws IOException, InterruptedException {
        return post(api.resolve("/api/v1/challenges/" + run.id() + "/verify"), "{\"code\":\"" + code + "\"}");
    }

    private HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every SMS the gateway received, counted per number: more than one is a duplicate. */
    Map<String, Integer> inboxCounts() throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(inbox.resolve("/messages"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode m : JSON.readTree(answer.body())) {
            counts.merge(m.path("to").asText(), 1, Integer::sum);
        }
        return counts;
    }

    private static String errorOf(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json.path("error").asText("") + (json.has("message") ? ": " + json.path("message").asText() : "");
        } catch (IOException e) {
            return body.length() > 80 ? body.substring(0, 80) : body;
        }
    }
}
