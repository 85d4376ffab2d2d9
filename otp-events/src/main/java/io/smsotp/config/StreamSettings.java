package io.smsotp.config;

import java.time.Duration;

/**
 * otp-stream, the single writer of challenge state.
 *
 * @param codeHmacKey base64 key (at least 32 bytes) of the keyed hash that stands for each code
 *     at rest; the launcher makes one and keeps it in its data dir when none is given
 * @param commitInterval exactly-once commit interval: outcomes become visible to readers only
 *     when their transaction commits, so this bounds every request/reply round trip
 * @param expirySweepInterval how often the wall-clock punctuator expires due challenges
 * @param stateDir Kafka Streams state directory (RocksDB stores)
 * @param threads stream threads; each owns some partitions and commits its own transactions, so
 *     commits (which block a thread for a broker round trip) overlap instead of queueing
 * @param managementPort port of {@code /health/live}, {@code /health/ready} and {@code /metrics}
 *     (default 8081; 0: any free port; -1: none)
 * @param shutdownTimeout the longest a stop takes (default 8 s, 1 s .. 5 min): Kafka Streams
 *     commits, leaves the group and closes within it
 */
public record StreamSettings(String applicationId, String codeHmacKey, Duration commitInterval,
                             Duration expirySweepInterval, String stateDir, Integer threads, Integer managementPort,
                             Duration shutdownTimeout) {

    /** Default port of otp-stream's health and metrics endpoints. */
    public static final int DEFAULT_MANAGEMENT_PORT = 8081;

    public StreamSettings {
        applicationId = Settings.orDefault(applicationId, "smsotp-otp-stream");
        Settings.secret("stream.codeHmacKey", codeHmacKey);
        commitInterval = Settings.positive("stream.commitInterval", commitInterval, Duration.ofMillis(10));
        expirySweepInterval = Settings.positive("stream.expirySweepInterval", expirySweepInterval,
                Duration.ofSeconds(1));
        threads = Settings.atLeast("stream.threads", threads, 1, 1);
        managementPort = Settings.managementPort("stream.managementPort", managementPort, DEFAULT_MANAGEMENT_PORT);
        shutdownTimeout = Settings.shutdownTimeout("stream.shutdownTimeout", shutdownTimeout);
    }

    /** Settings with the default shutdown timeout. */
    public StreamSettings(String applicationId, String codeHmacKey, Duration commitInterval,
                          Duration expirySweepInterval, String stateDir, Integer threads, Integer managementPort) {
        this(applicationId, codeHmacKey, commitInterval, expirySweepInterval, stateDir, threads, managementPort, null);
    }

    /** Settings without a management server (tests, embedding). */
    public StreamSettings(String applicationId, String codeHmacKey, Duration commitInterval,
                          Duration expirySweepInterval, String stateDir, Integer threads) {
        this(applicationId, codeHmacKey, commitInterval, expirySweepInterval, stateDir, threads, -1);
    }

    public static StreamSettings defaults() {
        return new StreamSettings(null, null, null, null, null, null, null, null);
    }

    /** The HMAC key's bytes, or null when none was configured. */
    public byte[] codeHmacKeyBytes() {
        return Settings.secret("stream.codeHmacKey", codeHmacKey);
    }

    public StreamSettings withCodeHmacKey(String key) {
        return new StreamSettings(applicationId, key, commitInterval, expirySweepInterval, stateDir, threads,
                managementPort, shutdownTimeout);
    }

    public StreamSettings withStateDir(String dir) {
        return new StreamSettings(applicationId, codeHmacKey, commitInterval, expirySweepInterval, dir, threads,
                managementPort, shutdownTimeout);
    }

    /** The same settings with the management server on {@code port} (0: any free port; -1: none). */
    public StreamSettings withManagementPort(int port) {
        return new StreamSettings(applicationId, codeHmacKey, commitInterval, expirySweepInterval, stateDir, threads,
                port, shutdownTimeout);
    }

    /** The same settings with {@code timeout} as the longest a stop takes. */
    public StreamSettings withShutdownTimeout(Duration timeout) {
        return new StreamSettings(applicationId, codeHmacKey, commitInterval, expirySweepInterval, stateDir, threads,
                managementPort, timeout);
    }

    @Override
    public String toString() {
        return "StreamSettings[applicationId=" + applicationId + ", codeHmacKey=" + (codeHmacKey == null ? "unset" : "***")
                + ", commitInterval=" + commitInterval + ", expirySweepInterval=" + expirySweepInterval
                + ", stateDir=" + stateDir + ", threads=" + threads + ", managementPort=" + managementPort
                + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}
