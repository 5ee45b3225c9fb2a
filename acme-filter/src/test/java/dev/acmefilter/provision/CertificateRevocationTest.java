package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionerRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Revocation against a real Pebble, whose management port tells the certificate's status. */
class CertificateRevocationTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.withDefaults().answeringChallenges();

    @TempDir
    Path dir;



    private CertificateSettings settings(String accountKey) {
        return PEBBLE.settings(dir)
                .accountKeyFile(dir.resolve(accountKey))
                .certificatePath(dir.resolve("tls/localhost.crt"))
                .privateKeyPath(dir.resolve("tls/localhost.key"))
                .stateDir(dir)
                .build();
    }

    private static String statusAtPebble(X509Certificate certificate) throws Exception {
        HttpResponse<String> answer = PEBBLE.get().httpClient().send(HttpRequest.newBuilder(PEBBLE.get()
                .managementUrl().resolve("cert-status-by-serial/" + certificate.getSerialNumber().toString(16)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return answer.body();
    }

    private X509Certificate issue(CertificateSettings settings) throws Exception {
        return ProvisionerRuns.check(settings, PEBBLE.store()).leaf();
    }

    @Test
    void theIssuingAccountRevokesWithItsKeyAndTheReasonReachesTheCa() throws Exception {
        CertificateSettings settings = settings("client.key");
        X509Certificate leaf = issue(settings);

        CertificateRevocation.Result result = CertificateRevocation.revoke(settings,
                CertificateRevocation.Reason.SUPERSEDED);

        assertThat(result.serial()).isEqualTo(leaf.getSerialNumber());
        assertThat(result.signedWith()).isEqualTo("account key");
        assertThat(statusAtPebble(leaf)).contains("\"Status\": \"Revoked\"").contains("\"Reason\": 4");
        assertThat(CertificateRevocation.revoke(settings, CertificateRevocation.Reason.SUPERSEDED).alreadyRevoked())
                .isTrue();
    }

    @Test
    void withoutAnAccountKeyTheCertificatesOwnKeyRevokesAndNoAccountIsCreated() throws Exception {
        X509Certificate leaf = issue(settings("client.key"));
        CertificateSettings withoutAccount = settings("other-client.key");

        CertificateRevocation.Result result = CertificateRevocation.revoke(withoutAccount,
                CertificateRevocation.Reason.KEY_COMPROMISE);

        assertThat(result.signedWith()).isEqualTo("certificate key");
        assertThat(statusAtPebble(leaf)).contains("\"Status\": \"Revoked\"");
        assertThat(withoutAccount.account().accountKeyFile()).doesNotExist();
    }

    @Test
    void anotherAccountMayNotRevokeSoTheCertificatesOwnKeyDoes() throws Exception {
        X509Certificate leaf = issue(settings("client.key"));
        CertificateSettings other = settings("other-client.key");
        try (AcmeClient client = new AcmeClient(other)) {
            client.account(); // registers the other account
        }

        CertificateRevocation.Result result = CertificateRevocation.revoke(other,
                CertificateRevocation.Reason.UNSPECIFIED);

        assertThat(result.signedWith()).isEqualTo("certificate key");
        assertThat(statusAtPebble(leaf)).contains("\"Status\": \"Revoked\"");
    }

    @Test
    void aMissingCertificateIsReportedWithItsPath() {
        CertificateSettings settings = settings("client.key");

        assertThatThrownBy(() -> CertificateRevocation.revoke(settings, CertificateRevocation.Reason.UNSPECIFIED))
                .isInstanceOfSatisfying(ProvisioningException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.FILES))
                .hasMessageStartingWith("Cannot read the certificate to revoke from " + settings.certificatePath());
        assertThat(Files.exists(settings.account().accountKeyFile())).isFalse();
    }
}
