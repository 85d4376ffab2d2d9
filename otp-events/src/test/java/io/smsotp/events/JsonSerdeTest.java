package io.smsotp.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    @Test
    void commandsRoundTripWithTheirType() {
        OtpCommand create = new OtpCommand.CreateChallenge("c1", "demo", "Demo", "+15551234567",
                OtpPolicy.DEFAULT, "r1", "i1");
        byte[] bytes = Topics.COMMANDS.valueSerde().serializer().serialize("t", create);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"type\":\"create\"", "\"ttl\":\"PT5M\"");
        assertThat(Topics.COMMANDS.valueSerde().deserializer().deserialize("t", bytes)).isEqualTo(create);
    }

    @Test
    void eventsRoundTripWithWireNames() {
        OtpEvent event = new OtpEvent.CodeChecked("c1", "r1", "i1", false, true, new ChallengeView(
                ChallengeStatus.MAX_ATTEMPTS_REACHED, "+15551234567", Instant.parse("2026-01-01T00:00:00Z"), 0,
                Delivery.SENT, null));
        byte[] bytes = Topics.EVENTS.valueSerde().serializer().serialize("t", event);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"max_attempts_reached\"", "\"sent\"",
                "2026-01-01T00:00:00Z");
        assertThat(Topics.EVENTS.valueSerde().deserializer().deserialize("t", bytes)).isEqualTo(event);
    }

    @Test
    void garbageIsASerializationErrorThatDoesNotEchoThePayload() {
        byte[] garbage = "{\"type\":\"verify\",\"code\":\"123456\",".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Topics.COMMANDS.valueSerde().deserializer().deserialize("otp.commands", garbage))
                .isInstanceOf(SerializationException.class).hasMessageNotContaining("123456")
                .satisfies(e -> assertThat(e.getCause().getMessage()).doesNotContain("123456"));
    }

    @Test
    void codesAndTextsStayOutOfToString() {
        assertThat(new OtpCommand.VerifyCode("c", "a", "987654", "r", "i").toString()).doesNotContain("987654");
        assertThat(new SmsRequest("m", "c", "a", "+15551234567", "987654 is your code", Instant.EPOCH).toString())
                .doesNotContain("987654");
        assertThat(new OtpCommand.CreateChallenge("c", "a", "A", "+15551234567", OtpPolicy.DEFAULT, "r", "i").toString())
                .doesNotContain("+15551234567").contains("4567");
    }
}
