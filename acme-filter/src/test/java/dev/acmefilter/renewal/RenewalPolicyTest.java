package dev.acmefilter.renewal;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.net.URL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RenewalPolicyTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);

    private static X509Certificate certificate(long lifetimeDays) {
        return certificate(Duration.ofDays(lifetimeDays));
    }

    private static X509Certificate certificate(Duration lifetime) {
        return TestCerts.selfSigned(TestCerts.ecKey(), ISSUED, ISSUED.plus(lifetime), "matrix.example.org");
    }

    private static Clock at(Duration age) {
        return Clock.fixed(ISSUED.plus(age), ZoneOffset.UTC);
    }

    /**
     * The decision table: lifetime, threshold, age at the check, expected decision and
     * renewal moment (as an age). 90 days: 30 days before expiry; 45 days: 15 days before
     * (a third); 6 days: 3 days before (half: a short-lived certificate), never at every check.
     */
    @ParameterizedTest(name = "{0}-day certificate, threshold {1} d, checked at {2} h: renew now {3}, at {4} h")
    @CsvSource({
        // lifetime d, threshold d, age h, renew now, renewAt age h
        "90, 30,    0, false, 1440",
        "90, 30, 1439, false, 1440",
        "90, 30, 1440, true,  1440",
        "90, 30, 2100, true,  2100",
        "90, 10, 1440, false, 1920",
        "45, 30,    0, false,  720",
        "45, 30,  719, false,  720",
        "45, 30,  720, true,   720",
        "45,  5,  720, false,  960",
        " 6, 30,    0, false,   72",
        " 6, 30,   12, false,   72",
        " 6, 30,   71, false,   72",
        " 6, 30,   72, true,    72",
        " 6, 30,  143, true,   143",
        " 6,  1,   96, false,  120",
    })
    void renewsAtTheSmallerOfTheThresholdAndAThirdOfTheLifetime(long lifetimeDays, long thresholdDays,
            long ageHours, boolean renewNow, long renewAtAgeHours) {
        RenewalPolicy.Decision decision = RenewalPolicy.decide(certificate(lifetimeDays),
                Duration.ofDays(thresholdDays), Optional.empty(), at(Duration.ofHours(ageHours)));

        assertThat(decision.renewNow()).as(decision.reason()).isEqualTo(renewNow);
        assertThat(decision.renewAt()).isEqualTo(ISSUED.plus(Duration.ofHours(renewAtAgeHours)));
    }

    @Test
    void aSixDayCertificateIsNotRenewedAtEveryDailyCheck() {
        X509Certificate sixDays = certificate(6);
        int renewals = 0;
        for (int hour = 0; hour < 6 * 24; hour += 12) {
            if (RenewalPolicy.decide(sixDays, THIRTY_DAYS, Optional.empty(), at(Duration.ofHours(hour))).renewNow()) {
                renewals++;
            }
        }
        // checks at 72, 84, 96, 108, 120, 132 h: the last 3 days only
        assertThat(renewals).isEqualTo(6);
    }

    @Test
    void aCertificateOfLessThanTenDaysIsRenewedAtHalfItsLifetimeATenDayOneAtAThird() {
        X509Certificate shortlived = certificate(Duration.ofHours(160)); // Let's Encrypt's shortlived profile
        RenewalPolicy.Decision early = RenewalPolicy.decide(shortlived, THIRTY_DAYS, Optional.empty(),
                at(Duration.ofHours(79)));
        RenewalPolicy.Decision half = RenewalPolicy.decide(shortlived, THIRTY_DAYS, Optional.empty(),
                at(Duration.ofHours(80)));

        assertThat(early.renewNow()).isFalse();
        assertThat(early.renewAt()).isEqualTo(ISSUED.plus(Duration.ofHours(80)));
        assertThat(early.reason()).contains("renewal 80 hours before expiry (the smaller of acme.reprovision_threshold,"
                + " 30 days, and half of the 160 hours lifetime)");
        assertThat(half.renewNow()).isTrue();
        assertThat(RenewalPolicy.decide(certificate(10), THIRTY_DAYS, Optional.empty(), at(Duration.ZERO)).renewAt())
                .as("10 days is not short-lived: a third").isEqualTo(ISSUED.plus(Duration.ofHours(160)));
    }

    @Test
    void theReasonNamesTheRuleAndTheDates() {
        RenewalPolicy.Decision decision = RenewalPolicy.decide(certificate(45), THIRTY_DAYS, Optional.empty(),
                at(Duration.ofDays(1)));

        assertThat(decision.reason()).isEqualTo("valid until 2026-02-15T00:00:00Z; renewal 15 days before expiry"
                + " (the smaller of acme.reprovision_threshold, 30 days, and a third of the 45 days lifetime)"
                + " at 2026-01-31T00:00:00Z");
    }

    @Test
    void withAriTheRenewalMomentLiesInsideTheSuggestedWindow() {
        AriWindow window = new AriWindow(ISSUED.plus(Duration.ofDays(50)), ISSUED.plus(Duration.ofDays(52)),
                Optional.empty(), Optional.empty());

        RenewalPolicy.Decision decision = RenewalPolicy.decide(certificate(90), THIRTY_DAYS, Optional.of(window),
                at(Duration.ofDays(10)));

        assertThat(decision.renewNow()).isFalse();
        assertThat(decision.renewAt()).isBetween(window.start(), window.end());
        assertThat(decision.reason()).contains("inside the CA's suggested window");
    }

    @Test
    void theAriMomentIsStableAcrossChecksAndSpreadAcrossCertificates() {
        AriWindow window = new AriWindow(ISSUED, ISSUED.plus(Duration.ofDays(2)), Optional.empty(), Optional.empty());

        Instant first = RenewalPolicy.momentInWindow(BigInteger.valueOf(123_456_789L), window);
        Instant again = RenewalPolicy.momentInWindow(BigInteger.valueOf(123_456_789L), window);
        long distinct = java.util.stream.LongStream.range(0, 100)
                .mapToObj(i -> RenewalPolicy.momentInWindow(new BigInteger(64, new java.util.Random(i)), window))
                .distinct().count();

        assertThat(first).isEqualTo(again);
        assertThat(distinct).isGreaterThan(90);
    }

    @Test
    void onceTheAriMomentHasComeItRenewsAtOnce() {
        AriWindow window = new AriWindow(ISSUED.plus(Duration.ofDays(50)), ISSUED.plus(Duration.ofDays(52)),
                Optional.empty(), Optional.empty());

        RenewalPolicy.Decision decision = RenewalPolicy.decide(certificate(90), THIRTY_DAYS, Optional.of(window),
                at(Duration.ofDays(52).minusSeconds(1)));

        // one second before the window ends, every moment in it has come
        assertThat(decision.renewNow()).isTrue();
    }

    @Test
    void aWindowInThePastMeansRenewAtOnceEvenLongBeforeTheThreshold() throws Exception {
        // what a CA answers after revoking the certificate
        AriWindow revoked = new AriWindow(ISSUED.plus(Duration.ofDays(1)), ISSUED.plus(Duration.ofDays(2)),
                Optional.of(new URL("https://ca.example/revoked")), Optional.empty());

        RenewalPolicy.Decision decision = RenewalPolicy.decide(certificate(90), THIRTY_DAYS, Optional.of(revoked),
                at(Duration.ofDays(3)));

        assertThat(decision.renewNow()).isTrue();
        assertThat(decision.reason()).isEqualTo("the CA's renewal window ended on 2026-01-03T00:00:00Z: renewing"
                + " at once (the CA explains: https://ca.example/revoked)");
    }
}
