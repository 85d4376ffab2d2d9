package io.smsotp.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Objects;

/**
 * The encoder of smsotp's log lines: text by default, one JSON object per line
 * ({@link JsonLineEncoder}) when {@code -Dsmsotp.log.format} or {@code SMSOTP_LOG_FORMAT} says
 * {@code json} ({@link LogFormat}), or as {@code <format>} sets it in a logback.xml. One encoder
 * that chooses, rather than one appender per format picked by name: logback warns about every
 * appender a configuration leaves unused, and a warning prints its whole status at each start.
 * A format it does not know keeps the text and says so in logback's status output.
 */
public final class LogLineEncoder extends EncoderBase<ILoggingEvent> {

    /** Time, thread, level, the logger's class name, message: the lines the services always wrote. */
    public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} [%thread] %level %logger{0} - %msg%n";

    private String format;
    private String pattern = TEXT_PATTERN;
    private Encoder<ILoggingEvent> delegate;

    /** {@code text} or {@code json}; unset, the system property or environment variable decides. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** The text format's pattern (default {@link #TEXT_PATTERN}). */
    public void setPattern(String pattern) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
    }

    /** The format in use once started. */
    public LogFormat format() {
        return delegate instanceof JsonLineEncoder ? LogFormat.JSON : LogFormat.TEXT;
    }

    @Override
    public void start() {
        delegate = chosen() == LogFormat.JSON ? new JsonLineEncoder() : textEncoder();
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    private LogFormat chosen() {
        try {
            return format != null ? LogFormat.parse(format) : LogFormat.chosen(System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            addWarn((format != null ? "<format>" : LogFormat.PROPERTY + " / " + LogFormat.ENV) + " " + e.getMessage()
                    + ": logging as text");
            return LogFormat.TEXT;
        }
    }

    private Encoder<ILoggingEvent> textEncoder() {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setPattern(pattern);
        return text;
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
