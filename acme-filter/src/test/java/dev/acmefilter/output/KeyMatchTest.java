package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class KeyMatchTest {

    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    @Test
    void ecKeyMatchesItsCertificate() {
        KeyPair keys = TestCerts.ecKey();
        assertThat(KeyMatch.matches(TestCerts.validFor(keys, NOW, 90, "a.example"), keys.getPrivate())).isTrue();
    }

    @Test
    void rsaKeyMatchesItsCertificate() {
        KeyPair keys = TestCerts.rsaKey();
        assertThat(KeyMatch.matches(TestCerts.validFor(keys, NOW, 90, "a.example"), keys.getPrivate())).isTrue();
    }

    @Test
    void otherEcKeyDoesNotMatch() {
        assertThat(KeyMatch.matches(TestCerts.validFor(TestCerts.ecKey(), NOW, 90, "a.example"),
                TestCerts.ecKey().getPrivate())).isFalse();
    }

    @Test
    void otherRsaKeyDoesNotMatch() {
        assertThat(KeyMatch.matches(TestCerts.validFor(TestCerts.rsaKey(), NOW, 90, "a.example"),
                TestCerts.rsaKey().getPrivate())).isFalse();
    }

    @Test
    void keyOfAnotherAlgorithmDoesNotMatch() {
        assertThat(KeyMatch.matches(TestCerts.validFor(TestCerts.ecKey(), NOW, 90, "a.example"),
                TestCerts.rsaKey().getPrivate())).isFalse();
    }
}
