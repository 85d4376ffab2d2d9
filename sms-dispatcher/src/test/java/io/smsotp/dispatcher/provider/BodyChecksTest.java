package io.smsotp.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.config.BodyCheck;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BodyChecksTest {

    @Test
    void noCheckPasses() {
        assertThat(BodyChecks.failure(null, "anything")).isNull();
    }

    @Test
    void aSubstringOrARegexMustBeFound() {
        assertThat(BodyChecks.failure(BodyCheck.containing("message_uuid"), "{\"message_uuid\":[\"x\"]}")).isNull();
        assertThat(BodyChecks.failure(BodyCheck.containing("message_uuid"), "{\"error\":\"x\"}"))
                .isEqualTo("the answer does not contain the expected text");
        assertThat(BodyChecks.failure(new BodyCheck(null, "^0\\|", null, null), "0|IN_PROGRESS|123")).isNull();
        assertThat(BodyChecks.failure(new BodyCheck(null, "^0\\|", null, null), "23|invalid credentials")).isNotNull();
    }

    @Test
    void aJsonPointerComparesAsJsonNotAsText() {
        String ok = "{\"messages\":[{\"status\":\"0\",\"n\":1,\"accepted\":true}]}";
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/0/status", "0"), ok)).isNull();
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/0/status", 0), ok)).as("\"0\" is not 0").isNotNull();
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/0/n", 1L), ok)).isNull();
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/0/accepted", true), ok)).isNull();
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/1/status", "0"), ok))
                .isEqualTo("the answer has nothing at /messages/1/status");
        assertThat(BodyChecks.failure(BodyCheck.jsonEquals("/messages/0/status", "0"), "<html>busy</html>"))
                .isEqualTo("the answer is not JSON");
    }

    @Test
    void allSetChecksMustHold() {
        BodyCheck both = new BodyCheck("queued", null, "/status", "queued");
        assertThat(BodyChecks.failure(both, "{\"status\":\"queued\"}")).isNull();
        assertThat(BodyChecks.failure(both, "{\"status\":\"failed\",\"note\":\"queued\"}")).isNotNull();
    }

    @Test
    void retryAfterReadsSecondsAndDatesAndCapsThem() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        assertThat(RetryAfter.parse("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Sat, 28 Nov 2026 12:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sat, 28 Nov 2026 11:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("99999999999", now)).isEqualTo(RetryAfter.MAX);
        assertThat(RetryAfter.parse("86400", now)).isEqualTo(RetryAfter.MAX);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }
}
