package dev.acmefilter.renewal;

import java.net.URL;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The renewal window a CA suggests for one certificate through ACME Renewal Information
 * (RFC 9773). A window that lies in the past (for instance after a revocation) means
 * "renew at once".
 *
 * @param start       the start of the suggested window
 * @param end         its end
 * @param explanation a page the CA offers about why, when it gave one
 * @param retryAfter  when the CA wants to be asked again, when it said
 */
public record AriWindow(Instant start, Instant end, Optional<URL> explanation, Optional<Instant> retryAfter) {
    public AriWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("ARI window ends (" + end + ") before it starts (" + start + ")");
        }
    }
}
