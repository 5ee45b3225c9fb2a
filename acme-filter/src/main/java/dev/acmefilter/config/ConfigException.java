package dev.acmefilter.config;

/**
 * A setting in {@code homeserver.yaml} (or a filter init-param) is missing or wrong.
 * The message always names the key, the file, and what was expected, so that an admin
 * can fix it from the log line alone. It is a runtime exception: retrying cannot help.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
