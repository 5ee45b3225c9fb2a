package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ChallengeSettingsTest {

    private static final DnsSettings HOOK = DnsSettings.hook(HookSettings.of(Path.of("/usr/local/bin/acme-dns-hook")));

    @Test
    void dns01NeedsItsDnsSettingsAndOnlyItAllowsWildcards() {
        assertThatThrownBy(() -> new ChallengeSettings(ChallengeType.DNS_01, Optional.empty()))
                .hasMessage("dns-01 needs the DNS settings (acme.dns)");
        assertThat(ChallengeSettings.dns01(HOOK).allowsWildcards()).isTrue();
        assertThat(ChallengeSettings.DEFAULTS.allowsWildcards()).isFalse();
        assertThat(new ChallengeSettings(ChallengeType.HTTP_01, Optional.of(HOOK)).dns01())
                .as("kept for entries, not used by http-01").isEmpty();
    }

    @Test
    void aWildcardCertificateBuiltByHandNeedsDns01() {
        CertificateSettings.Builder wildcard = CertificateSettings.builder().domain("*.example.org")
                .certificatePath(Path.of("/w.crt")).privateKeyPath(Path.of("/w.key"));

        assertThatThrownBy(wildcard::build)
                .hasMessage("the wildcard name *.example.org of default needs dns-01, not http-01");
        assertThat(wildcard.dns01(HOOK).build().challenge().describe())
                .isEqualTo("dns-01 (the hook /usr/local/bin/acme-dns-hook)");
    }

    @Test
    void challengeTypesGoByTheirRfcNames() {
        assertThat(ChallengeType.fromName(" DNS-01 ")).contains(ChallengeType.DNS_01);
        assertThat(ChallengeType.fromName("tls-alpn-01")).isEmpty();
        assertThat(ChallengeType.DEFAULT).hasToString("http-01");
    }
}
