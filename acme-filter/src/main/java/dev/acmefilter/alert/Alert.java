package dev.acmefilter.alert;

import dev.acmefilter.status.Json;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One alert about one certificate, as the command (environment variables) and the webhook
 * (JSON) get it. Holds no key material.
 *
 * @param event               what happened
 * @param certificateId       the certificate's id ({@code default} for Synapse's own)
 * @param names               its configured names
 * @param certificatePath     where it is written
 * @param message             one sentence for a human
 * @param at                  when the alert was raised
 * @param daysLeft            whole days until expiry, when a certificate is on disk
 * @param notAfter            its expiry, when a certificate is on disk
 * @param consecutiveFailures checks failed in a row
 * @param lastError           the last failure's message, when the last check failed
 * @param lastErrorKind       its kind ({@code validation}, {@code rate_limited}, ...: what a receiver
 *                            decides by, instead of the message's words), when known
 * @param nextAttempt         when the next check is due
 */
public record Alert(AlertEvent event, String certificateId, List<String> names, Path certificatePath, String message,
                    Instant at, Optional<Long> daysLeft, Optional<Instant> notAfter, int consecutiveFailures,
                    Optional<String> lastError, Optional<String> lastErrorKind, Optional<Instant> nextAttempt) {

    public static final String EVENT_VARIABLE = "ACME_ALERT_EVENT";
    public static final String CERTIFICATE_ID_VARIABLE = "ACME_CERTIFICATE_ID";
    public static final String NAMES_VARIABLE = "ACME_NAMES";
    public static final String MESSAGE_VARIABLE = "ACME_ALERT_MESSAGE";
    public static final String CERTIFICATE_PATH_VARIABLE = "ACME_CERTIFICATE_PATH";
    public static final String DAYS_LEFT_VARIABLE = "ACME_DAYS_LEFT";
    public static final String NOT_AFTER_VARIABLE = "ACME_NOT_AFTER";
    public static final String FAILURES_VARIABLE = "ACME_CONSECUTIVE_FAILURES";
    public static final String LAST_ERROR_VARIABLE = "ACME_LAST_ERROR";
    public static final String LAST_ERROR_KIND_VARIABLE = "ACME_LAST_ERROR_KIND";
    public static final String NEXT_ATTEMPT_VARIABLE = "ACME_NEXT_ATTEMPT";

    public Alert {
        names = List.copyOf(names);
    }

    /** The variables the alert command gets; those without a value are left out. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EVENT_VARIABLE, event.configName());
        env.put(CERTIFICATE_ID_VARIABLE, certificateId);
        env.put(NAMES_VARIABLE, String.join(" ", names));
        env.put(MESSAGE_VARIABLE, message);
        if (certificatePath != null) {
            env.put(CERTIFICATE_PATH_VARIABLE, certificatePath.toString());
        }
        daysLeft.ifPresent(d -> env.put(DAYS_LEFT_VARIABLE, Long.toString(d)));
        notAfter.ifPresent(t -> env.put(NOT_AFTER_VARIABLE, DateTimeFormatter.ISO_INSTANT.format(t)));
        env.put(FAILURES_VARIABLE, Integer.toString(consecutiveFailures));
        lastError.ifPresent(e -> env.put(LAST_ERROR_VARIABLE, e));
        lastErrorKind.ifPresent(k -> env.put(LAST_ERROR_KIND_VARIABLE, k));
        nextAttempt.ifPresent(t -> env.put(NEXT_ATTEMPT_VARIABLE, DateTimeFormatter.ISO_INSTANT.format(t)));
        return env;
    }

    /** The webhook's JSON body. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event.configName());
        m.put("certificate", certificateId);
        m.put("names", names);
        m.put("message", message);
        m.put("at", at);
        m.put("certificate_path", certificatePath == null ? null : certificatePath.toString());
        m.put("days_left", daysLeft);
        m.put("not_after", notAfter);
        m.put("consecutive_failures", consecutiveFailures);
        m.put("last_error", lastError);
        m.put("last_error_kind", lastErrorKind);
        m.put("next_attempt", nextAttempt);
        return Json.write(m);
    }
}
