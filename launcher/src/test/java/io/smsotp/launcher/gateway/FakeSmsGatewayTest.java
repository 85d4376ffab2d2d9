package io.smsotp.launcher.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway on a real port, spoken to over a raw socket so that the Host header is exactly what
 * a DNS-rebinding page would make the browser send.
 */
class FakeSmsGatewayTest {

    FakeSmsGateway gateway;

    @BeforeEach
    void start() {
        gateway = new FakeSmsGateway("127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() {
        gateway.stop();
    }

    @Test
    void refusesEveryRequestNamingAnotherHostAndTakesNoMessageFromIt() throws Exception {
        assertThat(status("GET", "/", "evil.example")).isEqualTo(421);
        assertThat(status("GET", "/messages", "evil.example:" + gateway.port())).isEqualTo(421);
        assertThat(status("POST", "/send", "evil.example", "{\"to\":\"+15551234567\",\"text\":\"hi\"}")).isEqualTo(421);

        assertThat(gateway.messagesTo(null)).isEmpty();
    }

    @Test
    void answersTheNamesItIsToldToAllowOnAnyPortAndNoOthers() throws Exception {
        gateway.allowingHosts(java.util.List.of("sms-gateway"));

        assertThat(status("POST", "/send", "sms-gateway:8090", "{\"to\":\"+15551234567\",\"text\":\"hi\"}"))
                .isEqualTo(202);
        assertThat(status("GET", "/messages", "SMS-Gateway")).isEqualTo(200);
        for (String host : new String[] {"sms-gateway.evil.example", "evil-sms-gateway", "sms-gateway:http",
                "[sms-gateway]", "evil.example"}) {
            assertThat(status("GET", "/", host)).as("Host: %s", host).isIn(400, 421);
        }
        assertThat(gateway.messagesTo(null)).hasSize(1);
    }

    @Test
    void refusesNamesThatOnlyLookLocal() throws Exception {
        for (String host : new String[] {"localhost.evil.example", "127.0.0.1.evil.example", "evil.example#localhost",
                "[::2]", "0.0.0.0", "128.0.0.1", "127.0.0.256", "127.1", "localhost:http", ""}) {
            assertThat(status("GET", "/", host)).as("Host: %s", host).isIn(400, 421);
        }
    }

    @Test
    void answersLocalhostAndLoopbackAddressesOnAnyPort() throws Exception {
        for (String host : new String[] {"localhost", "localhost:" + gateway.port(), "LocalHost:8090", "127.0.0.1",
                "127.0.0.1:" + gateway.port(), "127.8.9.10:1", "[::1]", "[::1]:" + gateway.port()}) {
            assertThat(status("GET", "/", host)).as("Host: %s", host).isEqualTo(200);
        }
        assertThat(status("POST", "/send", "127.0.0.1:" + gateway.port(), "{\"to\":\"+15551234567\",\"text\":\"hi\"}"))
                .isEqualTo(202);
        assertThat(gateway.messagesTo("+15551234567")).hasSize(1);
    }

    private int status(String method, String path, String host) throws IOException {
        return status(method, path, host, null);
    }

    /** One HTTP/1.1 request with {@code host} as its Host header; the status of the answer. */
    private int status(String method, String path, String host, String json) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(10_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
