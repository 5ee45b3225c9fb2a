package dev.acmefilter.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The lines the product logs through {@code System.Logger} (backed by java.util.logging in
 * tests) from some classes, formatted as an admin reads them. Close it to detach.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(ChainChoice.class)) {
 *     ...
 *     assertThat(log.warnings()).containsExactly("acme.preferred_chain: ...");
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    private final List<Logger> loggers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override public void publish(LogRecord record) { records.add(record); }
        @Override public void flush() { }
        @Override public void close() { }
    };

    private LogCapture(List<Logger> loggers) {
        this.loggers = loggers;
        loggers.forEach(l -> l.addHandler(handler));
    }

    /** Captures what {@code sources} log (the loggers are named after the classes). */
    public static LogCapture of(Class<?>... sources) {
        return new LogCapture(java.util.Arrays.stream(sources).map(c -> Logger.getLogger(c.getName()))
                .collect(Collectors.toList()));
    }

    /** Every line so far, formatted. */
    public List<String> lines() {
        return records.stream().map(LogCapture::format).collect(Collectors.toList());
    }

    /** The lines logged at WARNING or above. */
    public List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogCapture::format).collect(Collectors.toList());
    }

    private static String format(LogRecord record) {
        Object[] parameters = record.getParameters();
        return parameters == null || parameters.length == 0 ? record.getMessage()
                : MessageFormat.format(record.getMessage(), parameters);
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.removeHandler(handler));
    }
}
