package dev.acmefilter.bench;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;

/** One order through a fresh {@link Provisioner}, timed the way the bench scripts report it. */
final class TimedIssuance {

    /** What a client checks of the files on disk before the clock stops. */
    @FunctionalInterface
    interface FilesCheck {
        void check(CertificateSettings settings) throws Exception;
    }

    private TimedIssuance() {
    }

    /**
     * Milliseconds from the call of {@code provisionIfNeeded()} to the files on disk, {@code check}ed;
     * the provisioner is built before the clock starts and closed before it stops.
     *
     * @throws IllegalStateException when the order did not issue a certificate
     */
    static long millisToFiles(CertificateSettings settings, ChallengeStore store, FilesCheck check) throws Exception {
        Provisioner provisioner = new Provisioner(settings, store);
        long start = System.nanoTime();
        ProvisionResult result;
        try {
            result = provisioner.provisionIfNeeded();
        } finally {
            provisioner.close();
        }
        if (result.outcome() != ProvisionResult.Outcome.ISSUED) {
            throw new IllegalStateException("not issued: " + result);
        }
        check.check(settings);
        return (System.nanoTime() - start) / 1_000_000;
    }
}
