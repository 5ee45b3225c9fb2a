package dev.acmefilter.renewal;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * When a valid certificate that covers the configured names should be renewed. A pure
 * function of the certificate, the threshold, the CA's ARI answer and the clock.
 *
 * <ul>
 * <li>Without ARI: when the time left falls below the smaller of
 *     {@code acme.reprovision_threshold} and one third of the certificate's lifetime, or half
 *     of it for a certificate of less than {@value #SHORT_LIVED_DAYS} days (Let's Encrypt's
 *     {@code shortlived} profile, 160 hours: its integration guide asks to renew at half the
 *     lifetime). Synapse's fixed 30 days would renew a 6-day certificate at every check and a
 *     45-day one after only 15 days; this gives 30 days for 90-day certificates, 15 for 45-day
 *     ones and 3 for 6-day ones.</li>
 * <li>With ARI (RFC 9773): at a moment inside the CA's suggested window, chosen uniformly
 *     as the RFC asks, but derived from the certificate's serial so that it stays the same
 *     from one check to the next instead of drifting towards the window's start. A window
 *     that has begun, or lies in the past (a revocation), means at once.</li>
 * </ul>
 */
public final class RenewalPolicy {

    /** What to do about a valid certificate: renew now, or at {@code renewAt}. */
    public record Decision(boolean renewNow, Instant renewAt, String reason) {
    }

    /** Below this lifetime a certificate is short-lived: renewed at half its lifetime, not a third. */
    public static final int SHORT_LIVED_DAYS = 10;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_INSTANT;

    private RenewalPolicy() {
    }

    public static Decision decide(X509Certificate leaf, Duration threshold, Optional<AriWindow> ari, Clock clock) {
        Instant now = clock.instant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (ari.isPresent()) {
            AriWindow window = ari.get();
            Instant moment = momentInWindow(leaf.getSerialNumber(), window);
            String explained = window.explanation().map(url -> " (the CA explains: " + url + ")").orElse("");
            if (!window.end().isAfter(now)) {
                return new Decision(true, now, "the CA's renewal window ended on " + DATE.format(window.end())
                        + ": renewing at once" + explained);
            }
            if (!moment.isAfter(now)) {
                return new Decision(true, now, "inside the CA's suggested renewal window " + DATE.format(window.start())
                        + " to " + DATE.format(window.end()) + explained);
            }
            return new Decision(false, moment, "renewal planned at " + DATE.format(moment)
                    + ", inside the CA's suggested window " + DATE.format(window.start()) + " to "
                    + DATE.format(window.end()));
        }
        Duration lifetime = Duration.between(notBefore, notAfter);
        Duration before = renewalWindow(lifetime, threshold);
        Instant renewAt = notAfter.minus(before);
        String share = isShortLived(lifetime) ? "half" : "a third";
        String rule = "renewal " + days(before) + " before expiry (the smaller of acme.reprovision_threshold, "
                + days(threshold) + ", and " + share + " of the " + days(lifetime) + " lifetime)";
        if (!renewAt.isAfter(now)) {
            return new Decision(true, now, "the certificate expires on " + DATE.format(notAfter) + ", within its "
                    + rule);
        }
        return new Decision(false, renewAt, "valid until " + DATE.format(notAfter) + "; " + rule + " at "
                + DATE.format(renewAt));
    }

    /**
     * How long before expiry a certificate of this lifetime is renewed without ARI: the
     * smaller of the threshold and a third of the lifetime (half for a short-lived one).
     */
    public static Duration renewalWindow(Duration lifetime, Duration threshold) {
        Duration share = isShortLived(lifetime) ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
        return threshold.compareTo(share) < 0 ? threshold : share;
    }

    private static boolean isShortLived(Duration lifetime) {
        return lifetime.compareTo(Duration.ofDays(SHORT_LIVED_DAYS)) < 0;
    }

    /** A moment uniformly spread over the window, fixed for a given serial number. */
    static Instant momentInWindow(BigInteger serial, AriWindow window) {
        long span = Duration.between(window.start(), window.end()).toSeconds();
        if (span <= 0) {
            return window.start();
        }
        long offset = serial.mod(BigInteger.valueOf(span)).longValue();
        return window.start().plusSeconds(offset);
    }

    private static String days(Duration d) {
        long hours = d.toHours();
        if (hours % 24 == 0) {
            long days = hours / 24;
            return days == 1 ? "1 day" : days + " days";
        }
        return hours + " hours";
    }
}
