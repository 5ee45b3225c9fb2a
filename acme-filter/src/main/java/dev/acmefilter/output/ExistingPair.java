package dev.acmefilter.output;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Looks at the certificate and key files and decides whether to provision, keep, replace,
 * or stop with an error. Reads the two files and nothing else; writes nothing.
 *
 * <table>
 *   <caption>Policy</caption>
 *   <tr><th>On disk</th><th>Decision</th></tr>
 *   <tr><td>either path is a symbolic link (which {@link CertificatePairWriter} never writes
 *       through)</td><td>ERROR</td></tr>
 *   <tr><td>neither file</td><td>PROVISION</td></tr>
 *   <tr><td>a file exists but cannot be read or parsed</td><td>ERROR (the caller must not touch the files)</td></tr>
 *   <tr><td>certificate fine, key file missing or not matching</td><td>REPLACE</td></tr>
 *   <tr><td>certificate does not name every configured domain (SAN dNSName, case-insensitive,
 *       {@code *.} wildcards cover one label)</td><td>REPLACE</td></tr>
 *   <tr><td>expired</td><td>REPLACE</td></tr>
 *   <tr><td>no certificate but a readable key file</td><td>REPLACE</td></tr>
 *   <tr><td>otherwise</td><td>KEEP</td></tr>
 * </table>
 *
 * <p>When to renew a certificate that is still valid is not decided here: that is
 * {@code RenewalPolicy}'s call (threshold, lifetime, the CA's renewal window).
 */
public final class ExistingPair {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_INSTANT;

    private ExistingPair() {
    }

    public static PairDecision decide(Path certificate, Path key, List<String> names, Clock clock) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(clock, "clock");

        for (Path file : List.of(certificate, key)) {
            if (Files.isSymbolicLink(file)) {
                // the writer would refuse it: say so now, before anything is ordered
                return new PairDecision(PairDecision.Action.ERROR, "the " + (file == key ? "private key" : "certificate")
                        + " file " + file + " is a symbolic link, which is never written through: point the setting at"
                        + " the file itself, or put the file in the link's place", Optional.empty());
            }
        }
        boolean certificateExists = exists(certificate);
        boolean keyExists = exists(key);
        if (!certificateExists && !keyExists) {
            return new PairDecision(PairDecision.Action.PROVISION, "no certificate yet", Optional.empty());
        }

        X509Certificate leaf = null;
        if (certificateExists) {
            try {
                leaf = Pem.readCertificates(certificate).get(0);
            } catch (IOException | RuntimeException e) {
                return new PairDecision(PairDecision.Action.ERROR, "cannot read the certificate file " + certificate
                        + ": " + describe(e) + "; fix or remove it", Optional.empty());
            }
        }
        PrivateKey privateKey = null;
        if (keyExists) {
            try {
                privateKey = Pem.readPrivateKey(key);
            } catch (IOException | RuntimeException e) {
                return new PairDecision(PairDecision.Action.ERROR, "cannot read the private key file " + key
                        + ": " + describe(e) + "; fix or remove it", Optional.ofNullable(leaf));
            }
        }
        if (leaf == null) {
            return new PairDecision(PairDecision.Action.REPLACE, "no certificate file at " + certificate
                    + " (a private key file exists at " + key + ")", Optional.empty());
        }

        List<String> problems = new ArrayList<>();
        if (privateKey == null) {
            problems.add("the private key file " + key + " is missing");
        } else if (!KeyMatch.matches(leaf, privateKey)) {
            problems.add("the private key in " + key + " does not match the certificate");
        }
        List<String> missing = missingNames(leaf, names);
        if (!missing.isEmpty()) {
            problems.add("the certificate does not cover " + String.join(", ", missing));
        }
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!now.isBefore(notAfter)) {
            problems.add("the certificate expired on " + DATE.format(notAfter));
        }
        if (!problems.isEmpty()) {
            return new PairDecision(PairDecision.Action.REPLACE, String.join("; ", problems), Optional.of(leaf));
        }
        return new PairDecision(PairDecision.Action.KEEP, "the certificate is valid until " + DATE.format(notAfter)
                + " (" + days(Duration.between(now, notAfter)) + " left)", Optional.of(leaf));
    }

    /** The configured names (lower case, in order) that the certificate's SAN dNSName entries do not cover. */
    public static List<String> missingNames(X509Certificate leaf, Collection<String> names) {
        Set<String> dnsNames = new LinkedHashSet<>();
        SubjectAltNames.dnsNames(leaf).forEach(name -> dnsNames.add(normalise(name)));
        List<String> missing = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            String wanted = normalise(name);
            if (!covers(dnsNames, wanted)) {
                missing.add(wanted);
            }
        }
        return missing;
    }

    private static boolean covers(Set<String> dnsNames, String name) {
        if (dnsNames.contains(name)) {
            return true;
        }
        int dot = name.indexOf('.');
        return dot > 0 && dnsNames.contains("*" + name.substring(dot));
    }

    private static String normalise(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String days(Duration duration) {
        long days = duration.toDays();
        return days == 1 ? "1 day" : days + " days";
    }

    private static boolean exists(Path path) {
        // a dangling symbolic link "exists" too: reading it fails and gives ERROR, not PROVISION
        return Files.exists(path) || Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    private static String describe(Exception e) {
        if (e instanceof FileSystemException fse) {
            String reason = fse.getReason();
            return reason != null ? reason : e.getClass().getSimpleName();
        }
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }
}
