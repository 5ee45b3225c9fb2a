package dev.acmefilter.admin;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The admin command's log: the product's INFO lines (what the order is doing) and everybody's
 * warnings, one line each on standard error, so that standard output holds only the result.
 */
final class AdminLogging {

    private AdminLogging() {
    }

    static void install(PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        Logger.getLogger("dev.acmefilter").setLevel(Level.INFO);
        Handler handler = new StreamHandler(err, new Formatter() {
            @Override
            public String format(LogRecord record) {
                String text = formatMessage(record);
                if (record.getThrown() != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    text += " (" + record.getThrown() + ")";
                }
                String level = record.getLevel().intValue() >= Level.WARNING.intValue()
                        ? record.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + ": " : "";
                return level + text + System.lineSeparator();
            }
        }) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }
}
