package dev.acmefilter.testing;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;

import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One run of a fresh {@link Provisioner} for the tests that order from Pebble: created for
 * the settings, run once, closed even when the run fails (as the service closes it on its
 * way out); and the chain that run wrote, checked against the key written beside it.
 */
public final class ProvisionerRuns {

    private ProvisionerRuns() {
    }

    /** A check as the scheduler runs it ({@link Provisioner#provisionIfNeeded()}). */
    public static ProvisionResult check(CertificateSettings settings, ChallengeStore store) throws Exception {
        return checkAndClose(new Provisioner(settings, store));
    }

    /**
     * A check by {@code provisioner}, closed after it; a closed provisioner still tells what
     * it did ({@link Provisioner#lastDelivery()}, its state file).
     */
    public static ProvisionResult checkAndClose(Provisioner provisioner) throws Exception {
        return runAndClose(provisioner, Provisioner::provisionIfNeeded);
    }

    /** A forced renewal, whatever is on disk ({@link Provisioner#renewNow()}). */
    public static ProvisionResult renew(CertificateSettings settings, ChallengeStore store) throws Exception {
        return runAndClose(new Provisioner(settings, store), Provisioner::renewNow);
    }

    /** What one run asks of the provisioner. */
    @FunctionalInterface
    private interface Run {
        ProvisionResult on(Provisioner provisioner) throws Exception;
    }

    private static ProvisionResult runAndClose(Provisioner provisioner, Run run) throws Exception {
        try {
            return run.on(provisioner);
        } finally {
            provisioner.close();
        }
    }

    /**
     * The chain at {@code settings.certificatePath()}, leaf first, after asserting that the
     * leaf's public key matches the private key at {@code settings.privateKeyPath()}.
     */
    public static List<X509Certificate> writtenChain(CertificateSettings settings) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
        assertThat(KeyMatch.matches(chain.get(0), Pem.readPrivateKey(settings.privateKeyPath())))
                .as("the certificate written matches the key written").isTrue();
        return chain;
    }
}
