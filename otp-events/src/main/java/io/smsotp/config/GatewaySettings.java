package io.smsotp.config;

/** The launcher's fake SMS gateway: a real HTTP server that plays the provider and shows an inbox. */
public record GatewaySettings(String host, Integer port) {
    public GatewaySettings {
        host = Settings.orDefault(host, "127.0.0.1");
        port = Settings.port("gateway.port", port, 8090);
    }

    public static GatewaySettings defaults() {
        return new GatewaySettings(null, null);
    }
}
