package dev.acmefilter.it;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps every java.util.logging record of the test JVM, message and stack trace formatted.
 * Both embedded containers log there (Tomcat through JULI's JDK bridge, Jetty through
 * slf4j-jdk14), and so does the webapp ({@code System.Logger}, Weld). Installed on the root
 * logger before the first deployment.
 */
final class LogCapture extends Handler {

    private static final LogCapture INSTANCE = new LogCapture();
    private static boolean installed;

    private final List<String> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    static synchronized LogCapture install() {
        if (!installed) {
            Logger.getLogger("").addHandler(INSTANCE);
            installed = true;
        }
        return INSTANCE;
    }

    /** Position to pass to {@link #since(int)}. */
    int mark() {
        return records.size();
    }

    /** The records logged since {@code mark}, formatted. */
    List<String> since(int mark) {
        return List.copyOf(records.subList(Math.min(mark, records.size()), records.size()));
    }

    /** Waits until a record since {@code mark} contains {@code text}; returns it, or null. */
    String await(int mark, String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (String record : since(mark)) {
                if (record.contains(text)) {
                    return record;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                return null;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String text;
        try {
            text = formatter.format(record);
        } catch (RuntimeException e) {
            text = record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage();
        }
        if (record.getThrown() != null && !text.contains(String.valueOf(record.getThrown().getMessage()))) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text = text + trace;
        }
        records.add(text);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
