package io.smsotp.stream.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.ChallengeStatus;
import io.smsotp.events.ChallengeView;
import io.smsotp.events.Delivery;
import io.smsotp.events.OtpPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChallengeRecordTest {

    private static final Instant CREATED = Instant.parse("2030-01-01T10:00:00Z");
    private static final Instant EXPIRES = CREATED.plus(Duration.ofMinutes(5));
    private static final Duration COOLDOWN = Duration.ofSeconds(20);

    private static ChallengeRecord pending(int resendsLeft, Delivery delivery) {
        return new ChallengeRecord("c-1", "demo", "Demo", "+15551234567", "aGFzaA==", CREATED, EXPIRES, 5, 5,
                ChallengeStatus.PENDING, delivery, delivery == Delivery.FAILED ? "boom" : null, "m-1", 8,
                resendsLeft, CREATED.plusSeconds(10), COOLDOWN);
    }

    private static ChallengeRecord read(String json) {
        return ChallengeStore.VALUE_SERDE.deserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRecordStoredBeforeResendsExistedStillLoads() {
        // exactly what the store held before resends: no codeLength, resendsLeft, lastSentAt, resendCooldown
        String stored = "{\"id\":\"c-1\",\"appId\":\"demo\",\"appName\":\"Demo\",\"to\":\"+15551234567\","
                + "\"codeHash\":\"aGFzaA==\",\"createdAt\":\"2030-01-01T10:00:00Z\","
                + "\"expiresAt\":\"2030-01-01T10:05:00Z\",\"maxAttempts\":5,\"attemptsLeft\":4,"
                + "\"status\":\"pending\",\"delivery\":\"sent\",\"deliveryReason\":null,\"messageId\":\"m-1\"}";

        ChallengeRecord old = read(stored);

        assertThat(old.attemptsLeft()).isEqualTo(4);
        assertThat(old.status()).isEqualTo(ChallengeStatus.PENDING);
        assertThat(old.codeLength()).isEqualTo(OtpPolicy.DEFAULT.length());
        assertThat(old.resendsLeft()).isZero();
        assertThat(old.lastSentAt()).isEqualTo(CREATED);
        assertThat(old.resendCooldown()).isEqualTo(OtpPolicy.DEFAULT_RESEND_COOLDOWN);
        // made before alphanumeric codes, templates and app limits: digits, the built-in text, no limit
        assertThat(old.alphanumeric()).isFalse();
        assertThat(old.message()).isNull();
        assertThat(old.maxSendsPerMinute()).isNull();
        assertThat(old.view()).isEqualTo(new ChallengeView(ChallengeStatus.PENDING, "+15551234567", EXPIRES, 4,
                Delivery.SENT, null, 0, null));
    }

    @Test
    void aRecordSurvivesTheStoreRoundTripWithItsResendState() {
        ChallengeRecord record = pending(2, Delivery.QUEUED);

        byte[] json = ChallengeStore.VALUE_SERDE.serializer().serialize("t", record);

        assertThat(ChallengeStore.VALUE_SERDE.deserializer().deserialize("t", json)).isEqualTo(record);
    }

    @Test
    void aRecordKeepsItsCodeAlphabetTemplateAndAppLimitThroughTheStoreAndANewCode() {
        ChallengeRecord record = new ChallengeRecord("c-1", "demo", "Demo", "+15551234567", "aGFzaA==", CREATED,
                EXPIRES, 5, 5, ChallengeStatus.PENDING, Delivery.QUEUED, null, "m-1", 8, 2, CREATED, COOLDOWN, true,
                "{code} for {app}", 30);

        ChallengeRecord read = ChallengeStore.VALUE_SERDE.deserializer()
                .deserialize("t", ChallengeStore.VALUE_SERDE.serializer().serialize("t", record));
        ChallengeRecord resent = read.withNewCode("bmV3", "m-2", CREATED.plusSeconds(40)).withWrongAttempt();

        assertThat(read).isEqualTo(record);
        assertThat(resent.alphanumeric()).isTrue();
        assertThat(resent.message()).isEqualTo("{code} for {app}");
        assertThat(resent.maxSendsPerMinute()).isEqualTo(30);
    }

    @Test
    void theNextResendIsDueOneCooldownAfterTheLastSend() {
        assertThat(pending(2, Delivery.QUEUED).view().resendAvailableAt()).isEqualTo(CREATED.plusSeconds(30));
        assertThat(pending(2, Delivery.SENT).view().resendAvailableAt()).isEqualTo(CREATED.plusSeconds(30));
    }

    @Test
    void aFailedSendMayBeReplacedAtOnce() {
        assertThat(pending(2, Delivery.FAILED).view().resendAvailableAt()).isEqualTo(CREATED.plusSeconds(10));
    }

    @Test
    void noResendIsAvailableWithoutResendsLeftOrOnceNotPending() {
        assertThat(pending(0, Delivery.FAILED).view().resendAvailableAt()).isNull();
        for (ChallengeStatus done : new ChallengeStatus[] {ChallengeStatus.APPROVED, ChallengeStatus.EXPIRED,
                ChallengeStatus.CANCELED, ChallengeStatus.MAX_ATTEMPTS_REACHED}) {
            ChallengeView view = pending(2, Delivery.QUEUED).withStatus(done).view();
            assertThat(view.resendsLeft()).isEqualTo(2);
            assertThat(view.resendAvailableAt()).isNull();
        }
    }

    @Test
    void aNewCodeKeepsAttemptsAndExpiryAndQueuesTheNewMessage() {
        ChallengeRecord failed = pending(2, Delivery.FAILED).withWrongAttempt();
        Instant now = CREATED.plusSeconds(40);

        ChallengeRecord resent = failed.withNewCode("bmV3", "m-2", now);

        assertThat(resent.codeHash()).isEqualTo("bmV3");
        assertThat(resent.messageId()).isEqualTo("m-2");
        assertThat(resent.delivery()).isEqualTo(Delivery.QUEUED);
        assertThat(resent.deliveryReason()).isNull();
        assertThat(resent.resendsLeft()).isEqualTo(1);
        assertThat(resent.lastSentAt()).isEqualTo(now);
        assertThat(resent.attemptsLeft()).isEqualTo(4);
        assertThat(resent.expiresAt()).isEqualTo(EXPIRES);
        assertThat(resent.codeLength()).isEqualTo(8);
        assertThat(resent.view().resendAvailableAt()).isEqualTo(now.plus(COOLDOWN));
    }
}
