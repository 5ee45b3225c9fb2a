package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ExternalAccountBinding;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionerRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The account side of {@link AcmeClient} against a real Pebble that requires external
 * account binding ({@code externalAccountBindingRequired}, one kid with its MAC key), as
 * ZeroSSL and Google Trust Services do: {@code acme.eab} given, missing, or wrong.
 */
class AcmeClientTest {

    private static final String KID = "kid-1";
    private static final String HMAC = mac("a-32-byte-long-hmac-key-for-test");
    private static final String WRONG_HMAC = mac("another-32-byte-hmac-key-4-tests");

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.externalAccountBinding(Map.of(KID, HMAC)))
            .answeringChallenges();

    @TempDir
    Path dir;

    private static String mac(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private CertificateSettings.Builder settings() {
        return PEBBLE.settings(dir).source(dir.resolve("homeserver.yaml"));
    }

    /** The error of a provisioning run, which must be a config error and must leave no certificate. */
    private ConfigException failure(CertificateSettings settings) {
        long orders = PEBBLE.get().requests("POST /order-plz");
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());
        try {
            ConfigException e = catchThrowableOfType(ConfigException.class, provisioner::provisionIfNeeded);
            assertThat(e).as("a ConfigException").isNotNull();
            assertThat(settings.certificatePath()).doesNotExist();
            assertThat(PEBBLE.get().requests("POST /order-plz")).as("no order placed").isEqualTo(orders);
            return e;
        } finally {
            provisioner.close();
        }
    }

    @Test
    void withTheBindingTheAccountIsCreatedAndACertificateIssued() throws Exception {
        CertificateSettings settings = settings().eab(new ExternalAccountBinding(KID, HMAC)).build();
        ProvisionerRuns.check(settings, PEBBLE.store());

        Pebble.verifyChain(ProvisionerRuns.writtenChain(settings), PEBBLE.get().roots());
    }

    @Test
    void withoutABindingTheErrorNamesAcmeEab() {
        CertificateSettings settings = settings().build();

        ConfigException e = failure(settings);

        assertThat(e).hasMessage(dir.resolve("homeserver.yaml") + ": acme.eab: the CA at "
                + PEBBLE.get().directoryUrl() + " requires external account binding; expected acme.eab.kid and "
                + "acme.eab.hmac_key from the CA's account page");
    }

    @Test
    void aWrongMacKeyIsAnErrorNamingAcmeEabHmacKeyThatNeverShowsAKey() {
        CertificateSettings settings = settings().eab(new ExternalAccountBinding(KID, WRONG_HMAC)).build();

        ConfigException e = failure(settings);

        assertThat(e.getMessage()).startsWith(dir.resolve("homeserver.yaml") + ": acme.eab.hmac_key: the CA at "
                        + PEBBLE.get().directoryUrl() + " refused the external account binding with acme.eab.kid "
                        + "'kid-1': urn:ietf:params:acme:error:unauthorized: external account binding JWS "
                        + "verification error")
                .endsWith("; expected the kid and the MAC key (hmac_key) that belong together, from the CA's "
                        + "account page")
                .doesNotContain(WRONG_HMAC).doesNotContain(HMAC);
        assertThat(e.toString()).doesNotContain(WRONG_HMAC);
    }

    @Test
    void anUnknownKidIsAnErrorNamingIt() {
        CertificateSettings settings = settings().eab(new ExternalAccountBinding("kid-unknown", HMAC)).build();

        ConfigException e = failure(settings);

        assertThat(e.getMessage()).isEqualTo(dir.resolve("homeserver.yaml") + ": acme.eab.hmac_key: the CA at "
                        + PEBBLE.get().directoryUrl() + " refused the external account binding with acme.eab.kid "
                        + "'kid-unknown': urn:ietf:params:acme:error:unauthorized: the field 'kid' references a key "
                        + "that is not known to the ACME server; expected the kid and the MAC key (hmac_key) that "
                        + "belong together, from the CA's account page")
                .doesNotContain(HMAC);
    }
}
