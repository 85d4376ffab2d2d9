package io.smsotp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The helper against the JDK's own HTTP server: answers of both framings, all on one connection. */
class OneConnectionTest {

    private HttpServer server;
    private final Set<String> peers = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            peers.add(ex.getRemoteAddress().toString());
            byte[] body = ("cookie=" + ex.getRequestHeaders().getFirst("Cookie")).getBytes(StandardCharsets.UTF_8);
            boolean chunked = ex.getRequestURI().getPath().equals("/chunked");
            ex.getResponseHeaders().add("X-Path", ex.getRequestURI().getPath());
            ex.getResponseHeaders().add("X-Twice", "first");
            ex.getResponseHeaders().add("X-Twice", "second");
            ex.sendResponseHeaders(chunked ? 404 : 200, chunked ? 0 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body, 0, 3);
                out.flush();
                out.write(body, 3, body.length - 3);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsEachAnswerWholeWhateverItsFramingAndSendsAllOnOneConnection() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try (OneConnection c = new OneConnection(base)) {
            OneConnection.Answer sized = c.get("/sized", Map.of("Cookie", "a=1"));
            OneConnection.Answer chunked = c.get("/chunked", Map.of("Cookie", "a=2"));
            OneConnection.Answer again = c.get("/sized", Map.of("Cookie", "a=3"));

            assertThat(sized.status()).isEqualTo(200);
            assertThat(sized.body()).isEqualTo("cookie=a=1");
            assertThat(sized.header("X-Path")).isEqualTo("/sized");
            assertThat(sized.headers().get("x-twice")).containsExactly("first", "second");
            assertThat(chunked.status()).isEqualTo(404);
            assertThat(chunked.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(chunked.body()).isEqualTo("cookie=a=2");
            assertThat(again.body()).isEqualTo("cookie=a=3");
        }
        assertThat(peers).as("one client address and port for the three requests").hasSize(1);
    }
}
