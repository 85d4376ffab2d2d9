package io.smsotp.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * A logback context of its own, configured from a logback.xml text, whose stderr lines a test
 * reads: what a process with that configuration would print. The system's MDC is shared with it.
 */
final class LogCapture {

    /** What was printed, and logback's status messages of the configuration. */
    record Output(String stderr, List<Status> statuses) {
        List<String> lines() {
            return stderr.lines().toList();
        }
    }

    private LogCapture() {
    }

    /** Configures a context from {@code logbackXml}, runs {@code logging} against it with stderr captured. */
    static Output run(String logbackXml, Consumer<LoggerContext> logging) throws JoranException {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(new ByteArrayInputStream(logbackXml.getBytes(StandardCharsets.UTF_8)));
            logging.accept(context);
        } finally {
            context.stop();
            System.setErr(original);
        }
        return new Output(err.toString(StandardCharsets.UTF_8), context.getStatusManager().getCopyOfStatusList());
    }
}
