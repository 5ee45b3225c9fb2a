package dev.acmefilter.dns;

import java.util.Objects;
import java.util.Optional;

/**
 * A dns-01 step failed: a DNS change, the wait for the record, or the hook. The {@link Kind}
 * tells a caller what went wrong without reading the message; the message names the server
 * (or the hook) and what it answered, never a secret.
 */
public final class DnsException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The server does not know the TSIG key (TSIG error BADKEY). */
        UNKNOWN_KEY(true, true),
        /** The server rejected our signature: wrong secret or algorithm (TSIG error BADSIG). */
        BAD_SIGNATURE(true, true),
        /** The server and this host disagree on the time by more than the TSIG fudge (BADTIME). */
        CLOCK_SKEW(true, false),
        /** The server refused the change (REFUSED): the key may not change that name or zone. */
        REFUSED(true, true),
        /** The server is not authoritative for the zone (NOTAUTH, NOTZONE). */
        NOT_AUTHORITATIVE(true, true),
        /** Any other error code (SERVFAIL, FORMERR, ...). */
        SERVER_ERROR(true, false),
        /** The answer's TSIG signature did not verify: not from the server that holds our key. */
        UNVERIFIED_ANSWER(false, false),
        /** No answer in time. */
        TIMEOUT(false, false),
        /** The server could not be reached (connection refused, no route, unknown host). */
        UNREACHABLE(false, false),
        /** No zone found for the name (no SOA), or it is a CNAME we do not follow. */
        ZONE_NOT_FOUND(true, true),
        /** The zone's NS records, or the addresses of its name servers, could not be found. */
        NAME_SERVERS_NOT_FOUND(true, false),
        /** Some authoritative server did not answer the record before the propagation timeout. */
        PROPAGATION_TIMEOUT(false, false),
        /** The hook command failed, timed out or could not be started. */
        HOOK_FAILED(false, false),
        /** The journal of added records could not be read or written. */
        JOURNAL(false, false);

        private final boolean answered;
        private final boolean configuration;

        Kind(boolean answered, boolean configuration) {
            this.answered = answered;
            this.configuration = configuration;
        }

        /**
         * Whether the server answered with an error code: then a refused update was
         * certainly not applied. After a timeout it may have been.
         */
        public boolean answered() {
            return answered;
        }

        /** Whether only a change of settings (or of the server's configuration) fixes it: no retry will. */
        public boolean isConfigurationError() {
            return configuration;
        }
    }

    private final Kind kind;
    private final String server;

    public DnsException(Kind kind, String server, String message) {
        this(kind, server, message, null);
    }

    public DnsException(Kind kind, String server, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.server = server;
    }

    public Kind kind() {
        return kind;
    }

    /** The server (host:port) or the hook command concerned, when there is one. */
    public Optional<String> server() {
        return Optional.ofNullable(server);
    }
}
