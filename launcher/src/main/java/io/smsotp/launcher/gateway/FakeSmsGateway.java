package io.smsotp.launcher.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for an SMS provider: a real HTTP server that accepts {@code POST /send} with
 * JSON {@code {"to","text","id"}}, answers 202 like Clickatell or Plivo, and shows what it received
 * on an inbox page ({@code /}) and as JSON ({@code GET /messages?to=+15551234567}).
 *
 * <p>It answers only requests whose {@code Host} is {@code localhost} or a loopback address
 * (127.0.0.0/8, {@code [::1]}), any port: a web page that rebinds its own name to 127.0.0.1
 * (DNS rebinding) gets 421 Misdirected Request, and so cannot read the inbox's codes or post to it.
 * 421 rather than 403: the server is not the authority for the name asked for (RFC 9110 section
 * 15.5.20), which is the truth; 403 would say the resource is there and the caller lacks a right.
 */
public final class FakeSmsGateway {

    public static final String SEND_PATH = "/send";
    public static final String MESSAGES_PATH = "/messages";
    public static final String INBOX_PATH = "/";
    static final int MISDIRECTED_REQUEST = 421;
    private static final Pattern IPV4_LOOPBACK =
            Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern PORT = Pattern.compile("(:[0-9]{1,5})?");
    /** The inbox keeps the newest messages only, so a long benchmark cannot fill the heap. */
    static final int KEEP = 1000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Deque<ReceivedSms> inbox = new ArrayDeque<>();
    private final String host;
    private final int port;
    private final Consumer<ReceivedSms> listener;
    private volatile java.util.Set<String> failNumbers = java.util.Set.of();
    private volatile java.util.Set<String> allowedHosts = java.util.Set.of();
    private Javalin app;

    /**
     * @param listener told of each message as it arrives (the benchmark times deliveries with it)
     */
    public FakeSmsGateway(String host, int port, Consumer<ReceivedSms> listener) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public FakeSmsGateway(String host, int port) {
        this(host, port, sms -> { });
    }

    /** From now on, answer 503 to messages for these numbers (E.164) instead of taking them. */
    public FakeSmsGateway failingFor(java.util.Collection<String> numbers) {
        this.failNumbers = java.util.Set.copyOf(numbers);
        return this;
    }

    /**
     * Also answer requests for these host names (any port), e.g. the gateway's service name on a
     * compose network, where the dispatcher calls {@code http://sms-gateway:8090/send}.
     */
    public FakeSmsGateway allowingHosts(java.util.Collection<String> names) {
        this.allowedHosts = names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        return this;
    }

    public synchronized FakeSmsGateway start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before(this::requireKnownHost);
            cfg.routes.post(SEND_PATH, this::receive);
            cfg.routes.get(MESSAGES_PATH, this::messages);
            cfg.routes.get(INBOX_PATH, this::inboxPage);
            cfg.routes.exception(BadRequestResponse.class, (e, ctx) ->
                    ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "bad_request", "message", e.getMessage())));
        }).start(host, port);
        return this;
    }

    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    public int port() {
        return app.port();
    }

    /** The URL a provider config points at. */
    public String sendUrl() {
        return "http://127.0.0.1:" + port() + SEND_PATH;
    }

    public String inboxUrl() {
        return "http://localhost:" + port() + INBOX_PATH;
    }

    /** Messages received for {@code to}, oldest first; all of them when {@code to} is null. */
    public List<ReceivedSms> messagesTo(String to) {
        synchronized (inbox) {
            return inbox.stream().filter(m -> to == null || m.to().equals(to)).toList();
        }
    }

    private void receive(Context ctx) throws Exception {
        JsonNode body;
        try {
            body = mapper.readTree(ctx.bodyAsBytes());
        } catch (Exception e) {
            throw new BadRequestResponse("body must be JSON");
        }
        if (body == null || !body.path("to").isTextual() || !body.path("text").isTextual()) {
            throw new BadRequestResponse("body must have text fields 'to' and 'text'");
        }
        if (failNumbers.contains(body.get("to").asText())) {
            // as a provider that cannot deliver to this number would: 400 is judged permanent, so the
            // delivery ends failed at once, without retries and without counting against the breaker
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "undeliverable",
                    "message", "this gateway is set to refuse this number (gateway.failNumbers)"));
            return;
        }
        ReceivedSms sms = new ReceivedSms(body.path("id").asText(null), body.get("to").asText(),
                body.get("text").asText(), Instant.now(), System.nanoTime());
        synchronized (inbox) {
            inbox.addLast(sms);
            while (inbox.size() > KEEP) {
                inbox.removeFirst();
            }
        }
        listener.accept(sms);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", true));
    }

    private void messages(Context ctx) {
        String to = ctx.queryParam("to");
        List<Map<String, Object>> out = new ArrayList<>();
        for (ReceivedSms m : messagesTo(to)) {
            out.add(Map.of("to", m.to(), "text", m.text(), "receivedAt", m.receivedAt().toString(),
                    "id", m.id() == null ? "" : m.id()));
        }
        ctx.json(out);
    }

    private void inboxPage(Context ctx) {
        StringBuilder rows = new StringBuilder();
        List<ReceivedSms> all = new ArrayList<>(messagesTo(null));
        for (int i = all.size() - 1; i >= 0 && i >= all.size() - 200; i--) {
            ReceivedSms m = all.get(i);
            rows.append("<tr><td>").append(escape(m.receivedAt().toString())).append("</td><td>")
                    .append(escape(m.to())).append("</td><td>").append(escape(m.text())).append("</td></tr>\n");
        }
        ctx.contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="refresh" content="3">
                <title>SMS inbox - smsotp fake gateway</title>
                <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
                td,th{border:1px solid #ccc;padding:.4em .8em;text-align:left}</style></head>
                <body><h1>SMS inbox</h1>
                <p>Messages this fake SMS gateway received, newest first (the page refreshes every 3 s).
                JSON: <code>GET /messages?to=+15551234567</code></p>
                <table><tr><th>Received</th><th>To</th><th>Text</th></tr>
                """ + (rows.length() == 0 ? "<tr><td colspan=3>No messages yet.</td></tr>" : rows) + """
                </table></body></html>
                """);
    }

    private void requireKnownHost(Context ctx) {
        String host = ctx.header("Host");
        if (!loopbackHost(host) && !allowedHost(host)) {
            throw new HttpResponseException(MISDIRECTED_REQUEST,
                    "this fake SMS gateway answers only for localhost, loopback addresses"
                            + (allowedHosts.isEmpty() ? "" : " and " + String.join(", ", allowedHosts)));
        }
    }

    private boolean allowedHost(String host) {
        if (host == null || host.startsWith("[")) {
            return false;
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        String rest = colon < 0 ? "" : host.substring(colon);
        return allowedHosts.contains(name.toLowerCase(java.util.Locale.ROOT)) && PORT.matcher(rest).matches();
    }

    /**
     * Whether a Host header names this machine's loopback: {@code localhost}, 127.0.0.0/8 in
     * dotted-quad form or an IPv6 loopback literal, each with or without a port. Never a name
     * lookup: only literals are read as addresses.
     */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name;
        String rest;
        boolean loopback;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            name = end < 0 ? "" : host.substring(1, end);
            rest = end < 0 ? "" : host.substring(end + 1);
            loopback = name.contains(":") && name.matches("[0-9A-Fa-f:.]+") && ipv6Loopback(name);
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            rest = colon < 0 ? "" : host.substring(colon);
            Matcher m = IPV4_LOOPBACK.matcher(name);
            loopback = "localhost".equalsIgnoreCase(name) || m.matches() && Integer.parseInt(m.group(1)) <= 255
                    && Integer.parseInt(m.group(2)) <= 255 && Integer.parseInt(m.group(3)) <= 255;
        }
        return loopback && PORT.matcher(rest).matches();
    }

    private static boolean ipv6Loopback(String literal) {
        try {
            // a literal with ':' is parsed, never looked up
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String escape(String s) {
        return io.smsotp.auth.http.Html.text(s);
    }

    /** One message as the gateway received it; {@code receivedNanos} is {@link System#nanoTime()} at arrival. */
    public record ReceivedSms(String id, String to, String text, Instant receivedAt, long receivedNanos) {
        @Override
        public String toString() {
            return "ReceivedSms[id=" + id + ", to=" + to + "]";
        }
    }
}
