package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.ExistingPair;
import dev.acmefilter.output.PairDecision;
import dev.acmefilter.output.Pem;

import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The rules that keep a node's files and the cluster's newest certificate in step
 * ({@link CertificateShare}): a shared certificate replaces the files when it is valid,
 * covers this node's names and is newer than what the files hold (or they hold nothing
 * usable); the files are published when they hold a usable certificate newer than the
 * cluster's (a renewal done while the database was unreachable, a node that had a
 * certificate before it joined the cluster). Newer: issued later (notBefore), then valid
 * longer; the same serial is never newer. Between two certificates issued in the same second
 * for as long, the cluster's wins.
 */
final class SharedPair {

    private SharedPair() {
    }

    /** What the files hold now, judged for validity, key and names only. */
    static PairDecision onDisk(CertificateSettings settings, Clock clock) {
        return ExistingPair.decide(settings.certificatePath(), settings.privateKeyPath(), settings.domains(), clock);
    }

    /** Why {@code shared} should replace the files, or empty when it should not. */
    static Optional<String> replaces(IssuedCertificate shared, PairDecision disk, List<String> names, Clock clock) {
        X509Certificate leaf = shared.leaf();
        if (!clock.instant().isBefore(leaf.getNotAfter().toInstant())) {
            return Optional.empty();
        }
        if (!ExistingPair.missingNames(leaf, names).isEmpty()) {
            return Optional.empty();
        }
        if (disk.action() != PairDecision.Action.KEEP) {
            return Optional.of("the files hold no usable certificate (" + disk.reason() + ")");
        }
        X509Certificate local = disk.leaf().orElseThrow();
        if (local.getSerialNumber().equals(leaf.getSerialNumber()) || newer(local, leaf)) {
            return Optional.empty();
        }
        // newer, or issued in the same second for as long: the cluster's wins, so that all nodes agree
        return Optional.of("it is newer than serial " + local.getSerialNumber().toString(16) + " in the files");
    }

    /** Whether the shared certificate leaves out some of {@code names} (a node configured differently). */
    static List<String> missing(IssuedCertificate shared, List<String> names) {
        return ExistingPair.missingNames(shared.leaf(), names);
    }

    /** The usable certificate of the files, when it is newer than {@code shared} (or there is none shared). */
    static Optional<IssuedCertificate> toPublish(CertificateSettings settings, PairDecision disk,
                                                 Optional<IssuedCertificate> shared) throws IOException {
        if (disk.action() != PairDecision.Action.KEEP) {
            return Optional.empty();
        }
        X509Certificate local = disk.leaf().orElseThrow();
        if (shared.isPresent() && !newer(local, shared.get().leaf())) {
            return Optional.empty();
        }
        List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
        KeyPair key = new KeyPair(chain.get(0).getPublicKey(), Pem.readPrivateKey(settings.privateKeyPath()));
        return Optional.of(new IssuedCertificate(chain, key));
    }

    /** Whether {@code a} is a newer certificate than {@code b}. */
    static boolean newer(X509Certificate a, X509Certificate b) {
        if (a.getSerialNumber().equals(b.getSerialNumber())) {
            return false;
        }
        int issued = a.getNotBefore().compareTo(b.getNotBefore());
        return issued > 0 || (issued == 0 && a.getNotAfter().after(b.getNotAfter()));
    }
}
