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
 */
public record StreamSettings(String applicationId, String codeHmacKey, Duration commitInterval,
                             Duration expirySweepInterval, String stateDir, Integer threads) {
    public StreamSettings {
        applicationId = Settings.orDefault(applicationId, "smsotp-otp-stream");
        Settings.secret("stream.codeHmacKey", codeHmacKey);
        commitInterval = Settings.positive("stream.commitInterval", commitInterval, Duration.ofMillis(10));
        expirySweepInterval = Settings.positive("stream.expirySweepInterval", expirySweepInterval,
                Duration.ofSeconds(1));
        threads = Settings.atLeast("stream.threads", threads, 1, 1);
    }

    public static StreamSettings defaults() {
        return new StreamSettings(null, null, null, null, null, null);
    }

    /** The HMAC key's bytes, or null when none was configured. */
    public byte[] codeHmacKeyBytes() {
        return Settings.secret("stream.codeHmacKey", codeHmacKey);
    }

    public StreamSettings withCodeHmacKey(String key) {
        return new StreamSettings(applicationId, key, commitInterval, expirySweepInterval, stateDir, threads);
    }

    public StreamSettings withStateDir(String dir) {
        return new StreamSettings(applicationId, codeHmacKey, commitInterval, expirySweepInterval, dir, threads);
    }

    @Override
    public String toString() {
        return "StreamSettings[applicationId=" + applicationId + ", codeHmacKey=" + (codeHmacKey == null ? "unset" : "***")
                + ", commitInterval=" + commitInterval + ", expirySweepInterval=" + expirySweepInterval
                + ", stateDir=" + stateDir + ", threads=" + threads + "]";
    }
}
