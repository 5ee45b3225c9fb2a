package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionerRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.x500.X500Principal;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code acme.preferred_chain} against a real Pebble that offers two chains for every
 * certificate ({@code PEBBLE_ALTERNATE_ROOTS=2}: the default one and two alternates, each
 * to its own root, which Pebble's management interface serves as {@code /roots/0} to
 * {@code /roots/2}).
 */
class ChainChoiceTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.env("PEBBLE_ALTERNATE_ROOTS", "2"))
            .answeringChallenges();

    @TempDir
    Path dir;

    private CertificateSettings.Builder settings() {
        return PEBBLE.settings(dir);
    }

    /** Issues with {@code settings} and returns the chain written to disk. */
    private static List<X509Certificate> issue(CertificateSettings settings) throws Exception {
        ProvisionerRuns.check(settings, PEBBLE.store());
        return ProvisionerRuns.writtenChain(settings);
    }

    private static String commonName(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        return dn.substring(3, dn.indexOf(',') > 0 ? dn.indexOf(',') : dn.length());
    }

    @Test
    void theAlternateRootNamedByItsCommonNameIsTheChainWritten() throws Exception {
        X509Certificate alternateRoot = PEBBLE.get().roots(2).get(0);
        String name = commonName(alternateRoot);
        CertificateSettings settings = settings().preferredChain(name).build();

        List<X509Certificate> chain;
        try (LogCapture log = LogCapture.of(ChainChoice.class)) {
            chain = issue(settings);
            assertThat(log.lines()).anyMatch(line -> line.startsWith("acme.preferred_chain: using the alternate chain ")
                    && line.endsWith(", to " + name + ", which matches '" + name + "'"));
        }

        Pebble.verifyChain(chain, List.of(alternateRoot));
        assertThat(chain.get(chain.size() - 1).getIssuerX500Principal()).isEqualTo(alternateRoot.getSubjectX500Principal());
        assertThatThrownBy(() -> Pebble.verifyChain(chain, PEBBLE.get().roots(0))).isInstanceOf(AssertionError.class);
    }

    @Test
    void theAlternateRootNamedByItsWholeDistinguishedNameInOtherCaseIsTheChainWritten() throws Exception {
        X509Certificate alternateRoot = PEBBLE.get().roots(1).get(0);
        String dn = alternateRoot.getSubjectX500Principal().getName(X500Principal.RFC1779).toUpperCase(Locale.ROOT);
        CertificateSettings settings = settings().preferredChain(dn).build();

        List<X509Certificate> chain = issue(settings);

        Pebble.verifyChain(chain, List.of(alternateRoot));
    }

    @Test
    void theDefaultChainIsKeptWhenItsRootIsTheOneNamed() throws Exception {
        X509Certificate defaultRoot = PEBBLE.get().roots(0).get(0);
        String name = commonName(defaultRoot);

        List<X509Certificate> chain;
        try (LogCapture log = LogCapture.of(ChainChoice.class)) {
            chain = issue(settings().preferredChain(name.toLowerCase(Locale.ROOT)).build());
            assertThat(log.lines()).containsExactly("acme.preferred_chain: using the default chain, to " + name
                    + ", which matches '" + name.toLowerCase(Locale.ROOT) + "'");
        }

        Pebble.verifyChain(chain, List.of(defaultRoot));
    }

    @Test
    void aNameNoChainMatchesKeepsTheDefaultChainAndTheWarningListsTheRootsOnOffer() throws Exception {
        String defaultRoot = commonName(PEBBLE.get().roots(0).get(0));
        String alternateRoots = commonName(PEBBLE.get().roots(1).get(0)) + ", "
                + commonName(PEBBLE.get().roots(2).get(0));

        List<X509Certificate> chain;
        try (LogCapture log = LogCapture.of(ChainChoice.class)) {
            chain = issue(settings().preferredChain("ISRG Root X1").build());
            assertThat(log.warnings()).containsExactly("acme.preferred_chain: no chain the CA offers matches "
                    + "'ISRG Root X1'; keeping the default chain, to " + defaultRoot + "; the chains offered lead to: "
                    + defaultRoot + ", " + alternateRoots);
        }

        Pebble.verifyChain(chain, PEBBLE.get().roots(0));
    }

    @Test
    void withoutAPreferenceTheDefaultChainIsWrittenAndNothingIsLogged() throws Exception {
        List<X509Certificate> chain;
        try (LogCapture log = LogCapture.of(ChainChoice.class)) {
            chain = issue(settings().build());
            assertThat(log.lines()).isEmpty();
        }

        Pebble.verifyChain(chain, PEBBLE.get().roots(0));
    }

    @Test
    void anIntermediatesNameMatchesAsWellAsTheRoots() {
        Instant now = Instant.now();
        KeyPair rootKey = TestCerts.ecKey();
        X509Certificate root = TestCerts.validFor(rootKey, now, 30, "Example Root R9");
        KeyPair intermediateKey = TestCerts.ecKey();
        X509Certificate intermediate = TestCerts.issuedBy(intermediateKey, root, rootKey, now, 30, "Example Issuing E7");
        X509Certificate leaf = TestCerts.issuedBy(TestCerts.ecKey(), intermediate, intermediateKey, now, 30,
                "matrix.example.org");
        List<X509Certificate> chain = List.of(leaf, intermediate);

        assertThat(ChainChoice.matches(chain, "example issuing e7")).isTrue();
        assertThat(ChainChoice.matches(chain, "Example Root R9")).isTrue();
        assertThat(ChainChoice.matches(chain, "cn=EXAMPLE ROOT R9")).isTrue();
        assertThat(ChainChoice.matches(chain, "matrix.example.org")).as("the leaf is no issuer").isFalse();
        assertThat(ChainChoice.matches(chain, "Example Root")).as("no partial match").isFalse();
        assertThat(ChainChoice.rootName(chain)).isEqualTo("Example Root R9");
    }
}
