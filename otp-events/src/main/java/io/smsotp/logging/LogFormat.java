package io.smsotp.logging;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The shape of log lines: {@code text} (the default, for people) or {@code json} (one object per
 * line, for log shippers). Chosen by {@code -Dsmsotp.log.format} or, without it, by the
 * environment variable {@code SMSOTP_LOG_FORMAT}; read by the logging configuration at start.
 */
public enum LogFormat {
    TEXT, JSON;

    /** The environment variable that chooses the format. */
    public static final String ENV = "SMSOTP_LOG_FORMAT";
    /** The system property that chooses the format; it wins over {@link #ENV}. */
    public static final String PROPERTY = "smsotp.log.format";

    /** The name the logging configuration knows it by: {@code text} or {@code json}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code text} or {@code json}, in any case and with blanks around; blank or null is the default. */
    public static LogFormat parse(String value) {
        if (value == null || value.isBlank()) {
            return TEXT;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (LogFormat f : values()) {
            if (f.wireName().equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be text or json, not '" + value + "'");
    }

    /** The format the system property, else the environment, asks for. */
    public static LogFormat chosen(Properties properties, Map<String, String> env) {
        String property = properties.getProperty(PROPERTY);
        return parse(property != null && !property.isBlank() ? property : env.get(ENV));
    }
}
