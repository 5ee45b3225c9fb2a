package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.toolbox.JSON;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The profile decision from the directory metadata as acme4j parses it (Let's Encrypt's
 * {@code meta.profiles}); the CA's side, which Pebble 2.4 lacks, is in ProvisionerTest.
 */
class ProfileChoiceTest {

    private static final URI CA = URI.create("https://acme.example/directory");
    /** The {@code meta} object of a directory that offers profiles, as Let's Encrypt's does. */
    private static final Metadata OFFERS = new Metadata(JSON.parse("""
            {"profiles": {
                "classic": "https://letsencrypt.org/docs/profiles#classic",
                "tlsserver": "https://letsencrypt.org/docs/profiles#tlsserver",
                "shortlived": "https://letsencrypt.org/docs/profiles#shortlived"}}"""));

    private static CertificateSettings.Builder settings() {
        return CertificateSettings.builder().domain("matrix.example.org").directoryUrl(CA)
                .certificatePath(Path.of("/etc/matrix-synapse/tls.crt")).privateKeyPath(Path.of("/etc/matrix-synapse/tls.key"));
    }

    @Test
    void anOfferedProfileIsAskedForWithoutAWarning() {
        try (LogCapture log = LogCapture.of(ProfileChoice.class)) {
            assertThat(ProfileChoice.choose(settings().profile("shortlived").build(), OFFERS)).contains("shortlived");
            assertThat(ProfileChoice.choose(settings().profile("tlsserver").profileRequired(true).build(), OFFERS))
                    .contains("tlsserver");
            assertThat(log.lines()).isEmpty();
        }
    }

    @Test
    void withoutAProfileNothingIsAskedForWhateverTheCaOffers() {
        assertThat(ProfileChoice.choose(settings().build(), OFFERS)).isEmpty();
    }

    @Test
    void aPreferredProfileTheCaDoesNotOfferIsLeftOutWithAWarningListingTheOffer() {
        try (LogCapture log = LogCapture.of(ProfileChoice.class)) {
            assertThat(ProfileChoice.choose(settings().profile("ShortLived").build(), OFFERS)).isEmpty();
            assertThat(log.warnings()).containsExactly("acme.profile: the CA at " + CA + " does not offer the profile"
                    + " 'ShortLived' (it offers classic, shortlived, tlsserver); ordering without a profile (the CA's"
                    + " default)");
        }
    }

    @Test
    void aRequiredProfileTheCaDoesNotOfferIsAnErrorListingTheOffer() {
        CertificateSettings settings = settings().source(Path.of("/etc/matrix-synapse/homeserver.yaml"))
                .profile("longlived").profileRequired(true).build();

        assertThatThrownBy(() -> ProfileChoice.choose(settings, OFFERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/etc/matrix-synapse/homeserver.yaml: acme.profile: the CA at " + CA + " does not offer the"
                        + " profile 'longlived' (it offers classic, shortlived, tlsserver), and acme.profile_required is"
                        + " true, so no order was placed; expected one of the CA's profiles, or "
                        + "acme.profile_required: false to order without it");
    }
}
