package dev.acmefilter.admin;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.Pem;
import dev.acmefilter.output.SubjectAltNames;
import dev.acmefilter.renewal.RenewalPolicy;
import dev.acmefilter.state.LockFile;
import dev.acmefilter.state.StateFile;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code acme-admin status} prints about one certificate: its files, the names it
 * covers, serial, expiry and days left, when it will be renewed, and the renewal state
 * (failures in a row, next attempt, last error and its kind, an order in progress, a check
 * running now).
 * Reads files only, and never anything secret: of the keys, only paths and modes are shown.
 */
final class StatusReport {

    private final Clock clock;

    StatusReport(Clock clock) {
        this.clock = clock;
    }

    /**
     * Prints the status of certificate {@code id}.
     *
     * @return whether the certificate is there, readable and not expired
     */
    boolean print(String id, CertificateSettings settings, PrintStream out) {
        out.println("certificate " + id);
        line(out, "file", settings.certificatePath() + " (key " + describeKeyFile(settings.privateKeyPath()) + ")");
        line(out, "configured names", String.join(", ", settings.domains()));
        line(out, "challenge", settings.challenge().describe());
        boolean healthy = printCertificate(settings, out);
        printState(settings, out);
        return healthy;
    }

    /** The account key and CA, shared by all certificates. */
    void printAccount(AccountSettings account, PrintStream out) {
        out.println("account");
        line(out, "CA", account.directoryUrl().toString());
        line(out, "account key", describeKeyFile(account.accountKeyFile()));
    }

    private boolean printCertificate(CertificateSettings settings, PrintStream out) {
        X509Certificate leaf;
        try {
            List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
            if (chain.isEmpty()) {
                line(out, "certificate", "none: the file holds no certificate");
                return false;
            }
            leaf = chain.get(0);
        } catch (NoSuchFileException e) {
            line(out, "certificate", "none yet");
            return false;
        } catch (IOException | RuntimeException e) {
            line(out, "certificate", "unreadable: " + e.getMessage());
            return false;
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant now = clock.instant();
        long daysLeft = Duration.between(now, notAfter).toDays();
        line(out, "serial", leaf.getSerialNumber().toString(16));
        line(out, "names", String.join(", ", SubjectAltNames.dnsNames(leaf)));
        line(out, "issuer", leaf.getIssuerX500Principal().getName());
        line(out, "not after", notAfter + (now.isAfter(notAfter) ? " (EXPIRED)" : " (" + daysLeft + " days left)"));
        RenewalPolicy.Decision renewal = RenewalPolicy.decide(leaf, settings.reprovisionThreshold(), Optional.empty(),
                clock);
        line(out, "renewal", renewal.renewNow() ? "due now: " + renewal.reason() : renewal.reason());
        return !now.isAfter(notAfter);
    }

    private void printState(CertificateSettings settings, PrintStream out) {
        Path file = StateFile.of(settings.stateDir(), settings.id(), settings.certificatePath()).path();
        Properties state = new Properties();
        try {
            // read here instead of through StateFile, which sets a corrupt file aside: status changes nothing
            state.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            line(out, "state file", file + " (none yet)");
        } catch (IOException | IllegalArgumentException e) {
            line(out, "state file", file + " (unreadable: " + e.getMessage() + ")");
        }
        if (!state.isEmpty()) {
            line(out, "state file", file.toString());
        }
        line(out, "failures in a row", state.getProperty("consecutive_failures", "0"));
        line(out, "last attempt", state.getProperty("last_attempt", "-"));
        line(out, "last success", state.getProperty("last_success", "-"));
        line(out, "next attempt", state.getProperty("next_attempt", "-"));
        if (state.getProperty("last_error") != null) {
            line(out, "last error", state.getProperty("last_error"));
            line(out, "last error kind", state.getProperty("last_error_kind", "-"));
        }
        if (state.getProperty("pending_order") != null) {
            line(out, "order in progress", state.getProperty("pending_order"));
        }
        LockFile lock = LockFile.of(settings.stateDir(), settings.id(), settings.certificatePath());
        try {
            line(out, "running now", lock.holder().orElse("nothing"));
        } catch (IOException e) {
            line(out, "running now", "unknown (" + lock.path() + ": " + e.getMessage() + ")");
        }
    }

    private static String describeKeyFile(Path file) {
        try {
            return file + ", mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (NoSuchFileException e) {
            return file + ", not there yet";
        } catch (IOException | UnsupportedOperationException e) {
            return file.toString();
        }
    }

    private static void line(PrintStream out, String label, String value) {
        out.printf("  %-18s %s%n", label + ":", value);
    }
}
