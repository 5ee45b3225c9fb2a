package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;

import java.util.Locale;

/**
 * What kind of failure a certificate check (or an admin command) ended with, so that
 * callers tell failures apart by kind and never by message text: the admin command's hint,
 * {@code last_error.kind} in {@code /acme/status}, {@code ACME_LAST_ERROR_KIND} and
 * {@code last_error_kind} in alerts, the {@code kind} label of
 * {@code acme_check_failures_total}. Like acme4j's distinct exception types
 * ({@code AcmeRateLimitedException}, {@code AcmeUserActionRequiredException}), one value per
 * thing the admin would do differently. The {@link #label() labels} are part of the
 * interface (state files, alert receivers, dashboards keep them): never rename one.
 */
public enum FailureKind {

    /**
     * The CA tried a challenge and could not validate it (http-01: the CA could not reach
     * {@code /.well-known/acme-challenge/} on port 80 of a name, or got a wrong answer).
     * The admin checks DNS, the firewall, and that the webapp answers for every name.
     */
    VALIDATION,

    /**
     * The pre-flight self-test found a name whose challenge would not be answered, and
     * {@code acme.preflight.mode} is strict, so no order was placed (nothing used up at
     * the CA). Fixed like {@link #VALIDATION}.
     */
    PREFLIGHT,

    /** The CA refused for one of its rate limits; the next attempt waits for its {@code Retry-After}. */
    RATE_LIMITED,

    /**
     * The CA needs the admin to do something first, typically to agree to new terms of
     * service at the URL in the message. No retry helps until then.
     */
    ACTION_REQUIRED,

    /**
     * Any other refusal or problem document from the CA (RFC 8555, section 6.7: for
     * example {@code rejectedIdentifier}, {@code badCSR}, {@code serverInternal}), an order
     * the CA marked invalid, no http-01 challenge offered, no account for the key, or an
     * answer this client could not use.
     */
    CA_ERROR,

    /**
     * The CA could not be reached, or the exchange broke off: DNS, connection, TLS (also an
     * untrusted CA certificate: see {@code acme.ca_certificates}), or an answer that never
     * arrived, so that the outcome is unknown.
     */
    NETWORK,

    /** The CA did not decide in time (a challenge, the order or the certificate stayed pending). */
    TIMEOUT,

    /**
     * Another check of the same certificate (the webapp's renewal or an {@code acme-admin}
     * command) held its lock longer than this one would wait; nothing was ordered.
     */
    LOCKED,

    /**
     * A local file could not be read, locked, judged or written: the certificate or key on
     * disk (unreadable, not matching), the state folder, an interrupted write, the account
     * key's rollover files. The files were left as they were; the message names the path.
     */
    FILES,

    /**
     * A dns-01 step failed: the DNS server refused the update (TSIG key, secret or algorithm,
     * a zone the key may not change), the server or the hook failed or did not answer, or not
     * every authoritative server showed the TXT record before {@code propagation_timeout}.
     * The message names the server or hook and what it answered; the admin fixes
     * {@code acme.dns} or the DNS server, not the CA or port 80.
     */
    DNS,

    /**
     * A setting turned out wrong only when the CA (or a file it names) was used: the CA
     * refused the external account binding or requires one, the profile is required but
     * not offered, the account key or {@code acme.ca_certificates} cannot be read. From a
     * {@link ConfigException}; the message names the setting.
     */
    CONFIG,

    /** Anything else: an unexpected error (a bug, or a failure of the runtime); the message says what. */
    INTERNAL;

    /**
     * The stable lower-case name shown to admins and machines: {@code validation},
     * {@code preflight}, {@code rate_limited}, {@code action_required}, {@code ca_error},
     * {@code network}, {@code timeout}, {@code locked}, {@code files}, {@code config},
     * {@code internal}.
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind of any failure of a check: a {@link ProvisioningException}'s own kind,
     * {@link #CONFIG} for a {@link ConfigException}, else {@link #INTERNAL}.
     */
    public static FailureKind of(Throwable failure) {
        if (failure instanceof ProvisioningException e) {
            return e.kind();
        }
        return failure instanceof ConfigException ? CONFIG : INTERNAL;
    }
}
