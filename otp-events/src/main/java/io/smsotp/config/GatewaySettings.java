package io.smsotp.config;

/**
 * The launcher's fake SMS gateway: a real HTTP server that plays the provider and shows an inbox.
 *
 * @param failNumbers E.164 numbers the gateway refuses (HTTP 400, which the
 *     dispatcher judges permanent), to try how a login or an API
 *     call looks when an SMS cannot be sent
 */
public record GatewaySettings(String host, Integer port, java.util.List<String> failNumbers) {
    public GatewaySettings {
        host = Settings.orDefault(host, "127.0.0.1");
        port = Settings.port("gateway.port", port, 8090);
        failNumbers = failNumbers == null ? java.util.List.of() : java.util.List.copyOf(failNumbers);
    }

    public GatewaySettings(String host, Integer port) {
        this(host, port, null);
    }

    public static GatewaySettings defaults() {
        return new GatewaySettings(null, null, null);
    }
}
