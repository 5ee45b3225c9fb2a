package dev.acmefilter.admin;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.Pem;
import dev.acmefilter.output.TestCerts;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusReportTest {

    @TempDir
    Path dir;

    @Test
    void theNamesLineListsTheDnsNamesAsTheCertificateHoldsThemAndNothingElse() throws Exception {
        Path certificate = dir.resolve("tls.crt");
        Files.write(certificate, Pem.encodeCertificates(List.of(TestCerts.withSubjectAltNames(TestCerts.ecKey(),
                new GeneralName(GeneralName.dNSName, "Matrix.Example.org"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.rfc822Name, "admin@example.org"),
                new GeneralName(GeneralName.dNSName, "element.example.org")))));
        CertificateSettings settings = CertificateSettings.builder()
                .source(dir.resolve("homeserver.yaml"))
                .domain("matrix.example.org")
                .directoryUrl(URI.create("https://ca.invalid/dir"))
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(certificate)
                .privateKeyPath(dir.resolve("tls.key"))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new StatusReport(Clock.systemUTC()).print("default", settings, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.strip().startsWith("names:")))
                .singleElement().asString().endsWith(" Matrix.Example.org, element.example.org");
    }
}
