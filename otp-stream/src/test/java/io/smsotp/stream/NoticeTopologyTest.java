package io.smsotp.stream;

import static io.smsotp.stream.TopologyFixture.APP;
import static io.smsotp.stream.TopologyFixture.START;
import static io.smsotp.stream.TopologyFixture.TO;
import static org.assertj.core.api.Assertions.assertThat;

import io.smsotp.events.Delivery;
import io.smsotp.events.OtpCommand;
import io.smsotp.events.OtpEvent;
import io.smsotp.events.SmsRequest;
import io.smsotp.stream.challenge.ChallengeProcessor;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notices: an SMS of a given text, without a code or a challenge. */
class NoticeTopologyTest {

    static final String TEXT = "Your number on account alice was changed to +*******2002.";

    @TempDir
    Path stateDir;
    TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture(stateDir, Duration.ofDays(1));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aNoticeQueuesExactlyOneSealedSmsOfItsTextAndAnswersWithItsMessageId() {
        String id = TopologyFixture.newId();

        fx.notice(id, TO, TEXT, "req-n");

        OtpEvent.NoticeQueued queued = (OtpEvent.NoticeQueued) fx.onlyEvent();
        assertThat(queued.challengeId()).isEqualTo(id);
        assertThat(queued.requestId()).isEqualTo("req-n");
        assertThat(queued.replyTo()).isEqualTo("auth-6");
        var sealed = fx.sealedSmsRequests();
        assertThat(sealed).hasSize(1);
        assertThat(sealed.get(0).text()).startsWith("gcm1:").doesNotContain("changed");
        SmsRequest sms = fx.cipher.open(sealed.get(0));
        assertThat(sms.messageId()).isEqualTo(queued.messageId());
        assertThat(sms.challengeId()).isEqualTo(id);
        assertThat(sms.appId()).isEqualTo(APP);
        assertThat(sms.to()).isEqualTo(TO);
        assertThat(sms.text()).isEqualTo(TEXT);
        assertThat(sms.expiresAt()).isEqualTo(START.plus(Duration.ofHours(1)));
    }

    @Test
    void aNoticeMakesNoChallengeAndItsDeliveryReportChangesNothing() {
        String id = TopologyFixture.newId();
        fx.notice(id, TO, TEXT, "req-n");
        fx.events();
        String messageId = fx.smsRequests().get(0).messageId();

        fx.deliveryReport(id, messageId, Delivery.SENT, null);
        assertThat(fx.events()).isEmpty();
        fx.status(id, "req-s");

        OtpEvent.CommandRejected rejected = (OtpEvent.CommandRejected) fx.onlyEvent();
        assertThat(rejected.reason()).isEqualTo(OtpEvent.CommandRejected.NOT_FOUND);
    }

    @Test
    void aNoticeToANumberNotInE164IsRejectedAndNothingIsSent() {
        fx.notice("n-1", "0155512345", TEXT, "req-1");
        assertRejected("to must be a number in E.164");
    }

    @Test
    void aNoticeWithoutTextIsRejectedAndNothingIsSent() {
        fx.notice("n-2", TO, "  ", "req-2");
        assertRejected("text is required");
    }

    @Test
    void aNoticeLongerThanThreeSegmentsIsRejectedAndNothingIsSent() {
        fx.notice("n-3", TO, "x".repeat(OtpCommand.SendNotice.MAX_TEXT + 1), "req-3");
        assertRejected("text is longer than " + OtpCommand.SendNotice.MAX_TEXT + " characters");
    }

    @Test
    void aNoticeOfTheLongestTextIsSent() {
        fx.notice("n-4", TO, "x".repeat(OtpCommand.SendNotice.MAX_TEXT), "req-4");
        assertThat(fx.onlyEvent()).isInstanceOf(OtpEvent.NoticeQueued.class);
        assertThat(fx.smsRequests()).hasSize(1);
    }

    @Test
    void aNoticePrintsNeitherItsNumberNorItsText() {
        OtpCommand.SendNotice notice = new OtpCommand.SendNotice("n-5", APP, TO, TEXT, "req-5", "auth-6");
        assertThat(notice.toString()).doesNotContain(TO).doesNotContain("changed").contains("***4567");
    }

    private void assertRejected(String message) {
        OtpEvent.CommandRejected rejected = (OtpEvent.CommandRejected) fx.onlyEvent();
        assertThat(rejected.reason()).isEqualTo(ChallengeProcessor.INVALID);
        assertThat(rejected.message()).isEqualTo(message);
        assertThat(fx.sealedSmsRequests()).isEmpty();
    }
}
