package io.smsotp.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One JSON object per log event, on one line, for log shippers: {@code time} (ISO-8601, UTC,
 * milliseconds), {@code level}, {@code logger}, {@code thread}, {@code message}, then
 * {@code challengeId} when the MDC holds one ({@link ChallengeMdc}) and {@code exception} (the
 * stack trace as text) when the event has one. A line break inside a message or a stack is
 * escaped, so a line is always a whole event.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    /** Fixed width, unlike {@link DateTimeFormatter#ISO_INSTANT}, which drops zero milliseconds. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", TIME.format(event.getInstant()));
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", event.getFormattedMessage());
            Map<String, String> mdc = event.getMDCPropertyMap();
            String challengeId = mdc == null ? null : mdc.get(ChallengeMdc.KEY);
            if (challengeId != null) {
                json.writeStringField(ChallengeMdc.KEY, challengeId);
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("exception", ThrowableProxyUtil.asString(thrown).stripTrailing());
            }
            json.writeEndObject();
        } catch (IOException e) {
            // a ByteArrayOutputStream does not fail
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
