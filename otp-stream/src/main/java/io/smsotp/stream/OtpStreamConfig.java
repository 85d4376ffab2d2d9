package io.smsotp.stream;

import io.smsotp.config.KafkaSettings;
import io.smsotp.config.RateLimitSettings;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.config.StreamSettings;
import io.smsotp.config.live.LiveConfig;
import io.smsotp.events.CodeCipher;
import io.smsotp.events.ConfigCipher;
import io.smsotp.events.SmsCipher;
import java.util.Map;
import java.util.Objects;

/**
 * The part of the configuration otp-stream reads, checked where it is built: the brokers, its own
 * settings, the send limits (the file's, until the live configuration holds them), the keys that
 * hash codes, seal SMS texts and open typed codes, and the key of the live configuration.
 *
 * @param configCipher opens {@code smsotp.config}; null: the file's send limits for the instance's life
 */
public record OtpStreamConfig(KafkaSettings kafka, StreamSettings stream, RateLimitSettings rateLimits,
                              SmsCipher smsCipher, CodeCipher codeCipher, ConfigCipher configCipher) {

    public OtpStreamConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(rateLimits, "rateLimits");
        if (stream.codeHmacKeyBytes() == null) {
            throw new IllegalArgumentException("stream.codeHmacKey is required: it keys the hash kept for each code");
        }
        if (smsCipher == null) {
            throw new IllegalArgumentException("smsEncryptionKey is required: it seals the SMS text (which holds the "
                    + "code) on its way through Kafka");
        }
        if (codeCipher == null) {
            throw new IllegalArgumentException("codeEncryptionKey is required: it opens the code a user typed, which "
                    + "auth-service seals on its way through Kafka");
        }
    }

    /** otp-stream's part of a whole configuration file. */
    public static OtpStreamConfig of(SmsOtpConfig config) {
        return new OtpStreamConfig(config.kafka(), config.stream(), config.rateLimits(), config.smsCipher(),
                config.codeCipher(), config.configCipher());
    }

    /** What holds until the live configuration is seeded: the file's send limits. */
    LiveConfig fileView() {
        return new LiveConfig(java.util.List.of(), Map.of(), rateLimits, Map.of(), false);
    }
}
