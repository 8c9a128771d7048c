package io.polyhook.broker.scripttest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The log lines of a test run (a script's {@code log.info}, the warning of a failed hook call),
 * collected for the report instead of the console: a case that fails shows the lines it logged.
 * While it is open, the root logger's other appenders are detached, so the console shows the
 * report alone; {@link #close()} puts them back. With a logging backend other than Logback it
 * collects nothing and changes nothing.
 */
final class LogCapture implements AutoCloseable {

    /** A case keeps at most this many lines; the report says how many more there were. */
    static final int MAX_LINES = 50;

    private final Logger root;
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final Collector collector = new Collector();

    private LogCapture(Logger root) {
        this.root = root;
    }

    /** Starts collecting the lines of INFO and above. */
    static LogCapture start() {
        if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
            return new LogCapture(null);
        }
        LogCapture capture = new LogCapture(root);
        root.iteratorForAppenders().forEachRemaining(capture.detached::add);
        capture.detached.forEach(root::detachAppender);
        capture.collector.setContext(root.getLoggerContext());
        capture.collector.setName("polyhook-script-test");
        capture.collector.start();
        root.addAppender(capture.collector);
        return capture;
    }

    /** The lines collected since the last call, and forgets them. */
    List<String> drain() {
        synchronized (collector.lines) {
            List<String> out = new ArrayList<>(collector.lines);
            if (collector.dropped > 0) {
                out.add("... " + collector.dropped + " more lines");
            }
            collector.lines.clear();
            collector.dropped = 0;
            return out;
        }
    }

    @Override
    public void close() {
        if (root == null) {
            return;
        }
        root.detachAppender(collector);
        collector.stop();
        detached.forEach(root::addAppender);
    }

    private static final String DISPATCHER = "io.polyhook.core.hook.";

    private static final class Collector extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new ArrayList<>();
        int dropped;

        @Override
        protected void append(ILoggingEvent event) {
            // The dispatcher's warnings repeat what the report says of the call (an error, a deadline).
            if (!event.getLevel().isGreaterOrEqual(Level.INFO) || event.getLoggerName().startsWith(DISPATCHER)) {
                return;
            }
            String line = String.format("%-5s %s", event.getLevel(), event.getFormattedMessage().replace('\n', ' '));
            synchronized (lines) {
                if (lines.size() < MAX_LINES) {
                    lines.add(line);
                } else {
                    dropped++;
                }
            }
        }
    }
}
