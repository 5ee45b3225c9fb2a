package dev.acmefilter.renewal;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.AcmeSettings;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RenewalSchedulerTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final Provisioner provisioner = new Provisioner(AcmeSettings.builder()
            .domain("example.org")
            .accountKeyFile(Path.of("/nonexistent/client.key"))
            .certificatePath(Path.of("/nonexistent/cert.pem"))
            .privateKeyPath(Path.of("/nonexistent/key.pem"))
            .build(), new InMemoryChallengeStore(), CLOCK);
    private final RenewalScheduler scheduler = new RenewalScheduler(provisioner, CLOCK);

    @AfterEach
    void close() {
        scheduler.close();
    }

    /** A certificate that only answers getNotAfter, which is all the scheduler reads. */
    private static X509Certificate expiringAt(Instant notAfter) {
        return new java.security.cert.X509Certificate() {
            @Override public Date getNotAfter() { return Date.from(notAfter); }
            // the rest is never called by the scheduler
            @Override public void checkValidity() { }
            @Override public void checkValidity(Date date) { }
            @Override public int getVersion() { return 3; }
            @Override public java.math.BigInteger getSerialNumber() { return java.math.BigInteger.ONE; }
            @Override public java.security.Principal getIssuerDN() { return null; }
            @Override public java.security.Principal getSubjectDN() { return null; }
            @Override public Date getNotBefore() { return Date.from(NOW); }
            @Override public byte[] getTBSCertificate() { return new byte[0]; }
            @Override public byte[] getSignature() { return new byte[0]; }
            @Override public String getSigAlgName() { return "none"; }
            @Override public String getSigAlgOID() { return "0"; }
            @Override public byte[] getSigAlgParams() { return null; }
            @Override public boolean[] getIssuerUniqueID() { return null; }
            @Override public boolean[] getSubjectUniqueID() { return null; }
            @Override public boolean[] getKeyUsage() { return null; }
            @Override public int getBasicConstraints() { return -1; }
            @Override public byte[] getEncoded() { return new byte[0]; }
            @Override public void verify(java.security.PublicKey key) { }
            @Override public void verify(java.security.PublicKey key, String sigProvider) { }
            @Override public String toString() { return "expiring at " + notAfter; }
            @Override public java.security.PublicKey getPublicKey() { return null; }
            @Override public boolean hasUnsupportedCriticalExtension() { return false; }
            @Override public java.util.Set<String> getCriticalExtensionOIDs() { return null; }
            @Override public java.util.Set<String> getNonCriticalExtensionOIDs() { return null; }
            @Override public byte[] getExtensionValue(String oid) { return null; }
        };
    }

    private static ProvisionResult kept(Instant notAfter) {
        return new ProvisionResult(ProvisionResult.Outcome.KEPT, "test", expiringAt(notAfter), Duration.ZERO);
    }

    @Test
    void aCertificateFarFromRenewalIsCheckedAgainWithinTwelveHours() {
        assertThat(scheduler.afterSuccess(kept(NOW.plus(Duration.ofDays(89)))))
                .isEqualTo(RenewalScheduler.CHECK_INTERVAL).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void aCertificateCloseToItsRenewalMomentIsCheckedAtThatMoment() {
        // renewal moment = notAfter - 30 days = in 3 hours
        Instant notAfter = NOW.plus(Duration.ofDays(30)).plus(Duration.ofHours(3));

        assertThat(scheduler.afterSuccess(kept(notAfter))).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void aCertificateAlreadyInsideTheWindowIsRetriedAfterAMinuteNotInALoop() {
        assertThat(scheduler.afterSuccess(kept(NOW.plus(Duration.ofDays(2))))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCheckInterval() {
        assertThat(scheduler.afterFailure(1, Optional.empty())).isEqualTo(Duration.ofMinutes(1));
        assertThat(scheduler.afterFailure(2, Optional.empty())).isEqualTo(Duration.ofMinutes(2));
        assertThat(scheduler.afterFailure(5, Optional.empty())).isEqualTo(Duration.ofMinutes(16));
        assertThat(scheduler.afterFailure(10, Optional.empty())).isEqualTo(Duration.ofMinutes(512));
        assertThat(scheduler.afterFailure(11, Optional.empty())).isEqualTo(Duration.ofHours(12));
        assertThat(scheduler.afterFailure(1000, Optional.empty())).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void aLaterRetryAfterFromTheCaWinsOverTheBackoff() {
        assertThat(scheduler.afterFailure(1, Optional.of(NOW.plus(Duration.ofHours(3)))))
                .isEqualTo(Duration.ofHours(3));
        assertThat(scheduler.afterFailure(3, Optional.of(NOW.plusSeconds(10))))
                .isEqualTo(Duration.ofMinutes(4));
    }
}
