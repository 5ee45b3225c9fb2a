package dev.acmefilter.admin;

/**
 * The command line is wrong: an unknown command or option, a missing or invalid value. The
 * message names the option and what was expected; the command exits with
 * {@link AdminCommand#USAGE}.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
