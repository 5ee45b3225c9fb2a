package dev.acmefilter.output;

import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectAltNamesTest {

    @Test
    void theDnsNamesAreListedAsWrittenInTheirOrderEachOnceAndNothingElse() {
        assertThat(SubjectAltNames.dnsNames(TestCerts.withSubjectAltNames(TestCerts.ecKey(),
                new GeneralName(GeneralName.dNSName, "Matrix.Example.org"),
                new GeneralName(GeneralName.iPAddress, "192.0.2.1"),
                new GeneralName(GeneralName.rfc822Name, "admin@example.org"),
                new GeneralName(GeneralName.dNSName, "*.example.org."),
                new GeneralName(GeneralName.dNSName, "Matrix.Example.org"))))
                .containsExactly("Matrix.Example.org", "*.example.org.");
    }

    @Test
    void aCertificateWithoutTheExtensionHasNoNames() {
        assertThat(SubjectAltNames.dnsNames(TestCerts.selfSigned(TestCerts.ecKey(), Instant.now(),
                Instant.now().plusSeconds(3600)))).isEmpty();
    }
}
