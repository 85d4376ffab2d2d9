package io.smsotp.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Keycloak server (the {@code keycloak-quarkus-dist} zip, unpacked) in a JVM of its own, as its
 * {@code bin/kc.sh} starts it (its own JVM options: G1, {@code -Xms64m -Xmx512m} outside a
 * container; {@code JAVA_OPTS_APPEND} in the environment adds to them): production mode over
 * plain HTTP on a free port, the embedded H2 file database ({@code db=dev-file}) in a directory
 * of the benchmark's, a local cache. {@link #build} runs {@code kc.sh build} once for those build
 * options; each {@link #start} is a fresh JVM on the same database, so the realm is made once.
 */
final class KeycloakProcess implements AutoCloseable {

    static final String REALM = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final Process process;
    private final String baseUrl;
    private final Path log;
    private ProcessHandle jvm;

    private KeycloakProcess(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** {@code kc.sh} of an unpacked distribution (run with {@code /bin/sh}: an unpacked file may have lost its mode), or a clear error naming what is missing. */
    static Path script(Path home) {
        Path kc = home.resolve("bin").resolve("kc.sh");
        if (!Files.isRegularFile(kc)) {
            throw new IllegalArgumentException("--keycloak-home: no bin/kc.sh under " + home
                    + " (unpack org.keycloak:keycloak-quarkus-dist's zip there; docs/benchmarks.md says how)");
        }
        return kc;
    }

    /** {@code kc.sh build} for the benchmark's build options (an H2 file database, a local cache). */
    static void build(Path home, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("keycloak-build.log");
        Process p = new ProcessBuilder("/bin/sh", script(home).toString(), "build", "--db=dev-file", "--cache=local")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("kc.sh build failed; its output: " + Files.readString(out));
        }
    }

    /**
     * Starts Keycloak on the database under {@code work} and waits until its realm list answers;
     * the first start on that database creates the admin user given.
     */
    static KeycloakProcess start(Path home, Path work, String adminPassword, int run)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("keycloak-" + run + ".log");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script(home).toString(), "start", "--optimized",
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + port, "--hostname-strict=false",
                "--db-url=jdbc:h2:file:" + work.toAbsolutePath().resolve("keycloakdb") + ";NON_KEYWORDS=VALUE")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        KeycloakProcess kc = new KeycloakProcess(pb.start(), "http://127.0.0.1:" + port, log);
        try {
            kc.awaitUp();
            return kc;
        } catch (IOException | RuntimeException e) {
            kc.close();
            throw e;
        }
    }

    private void awaitUp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Keycloak exited with " + process.exitValue() + "; its log: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    jvm = findJvm();
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IOException("Keycloak did not answer within " + STARTUP.toSeconds() + " s; its log: " + log);
    }

    /** kc.sh runs Java as its child (and forwards signals to it): the server is that JVM. */
    private ProcessHandle findJvm() throws IOException {
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new IOException("Keycloak answers, but kc.sh has no java process"
                        + " under it; its log: " + log));
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The server JVM's process id. */
    long pid() {
        return jvm.pid();
    }

    /** An access token of the master realm's admin, for the admin REST API. */
    String adminToken(String adminPassword) throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password="
                + URLEncoder.encode(adminPassword, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("Keycloak's admin token: HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** Whether the benchmark's realm is there already (made by an earlier JVM on the same database). */
    boolean hasRealm(String token) throws IOException, InterruptedException {
        return adminCall("GET", "/admin/realms/" + REALM, token, null).statusCode() == 200;
    }

    /** Creates the realm with its client, then its users in batches (Keycloak's partial import). */
    void createRealm(String token, KeycloakUsers users) throws IOException, InterruptedException {
        require(adminCall("POST", "/admin/realms", token, users.realm()), 201, "creating the realm");
        List<ObjectNode> all = users.representations();
        for (int from = 0; from < all.size(); from += 500) {
            ObjectNode batch = JSON.createObjectNode().put("ifResourceExists", "FAIL");
            ArrayNode list = batch.putArray("users");
            all.subList(from, Math.min(all.size(), from + 500)).forEach(list::add);
            require(adminCall("POST", "/admin/realms/" + REALM + "/partialImport", token, batch), 200,
                    "importing users");
        }
    }

    private static void require(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException("Keycloak, " + what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private HttpResponse<String> adminCall(String method, String path, String token, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the server (SIGTERM, as a service manager would) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
