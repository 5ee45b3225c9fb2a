package dev.acmefilter.admin;

import dev.acmefilter.provision.CertificateRevocation;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    @Test
    void optionsMayComeBeforeOrAfterTheCommandWithASpaceOrAnEqualsSign() {
        CommandLine line = CommandLine.parse("--config=/etc/hs.yaml", "renew", "--dry-run", "--directory",
                "https://ca.test/dir", "--output=/tmp/dry", "--cert", "default");

        assertThat(line.command()).isEqualTo("renew");
        assertThat(line.config()).contains(Path.of("/etc/hs.yaml"));
        assertThat(line.dryRun()).isTrue();
        assertThat(line.directory()).contains(URI.create("https://ca.test/dir"));
        assertThat(line.output()).contains(Path.of("/tmp/dry"));
        assertThat(line.cert()).contains("default");
    }

    @Test
    void revokeDefaultsToReasonUnspecifiedAndRenewing() {
        CommandLine line = CommandLine.parse("revoke");

        assertThat(line.reason()).isEqualTo(CertificateRevocation.Reason.UNSPECIFIED);
        assertThat(line.noRenew()).isFalse();
        assertThat(CommandLine.parse("revoke", "--reason", "cessationOfOperation", "--no-renew").reason())
                .isEqualTo(CertificateRevocation.Reason.CESSATION_OF_OPERATION);
    }

    @Test
    void allowSharedFoldersGoesWithEveryCommand() {
        assertThat(CommandLine.parse("--allow-shared-folders", "renew").allowSharedFolders()).isTrue();
        assertThat(CommandLine.parse("rollover-account-key", "--allow-shared-folders").allowSharedFolders()).isTrue();
        assertThat(CommandLine.parse("revoke").allowSharedFolders()).isFalse();
    }

    @Test
    void helpNeedsNoCommand() {
        assertThat(CommandLine.parse("-h").help()).isTrue();
        assertThat(CommandLine.parse("status", "--help").help()).isTrue();
    }

    @Test
    void mistakesNameTheOption() {
        assertThatThrownBy(() -> CommandLine.parse("renew", "--cert", "a", "--cert", "b"))
                .isInstanceOf(UsageException.class).hasMessage("--cert is given twice");
        assertThatThrownBy(() -> CommandLine.parse("renew", "--dry-run=yes"))
                .isInstanceOf(UsageException.class).hasMessage("--dry-run takes no value");
        assertThatThrownBy(() -> CommandLine.parse("renew", "--cert", "--dry-run"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert needs a value; expected a certificate id such as default");
        assertThatThrownBy(() -> CommandLine.parse("renew", "--cert="))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert is empty; expected a certificate id such as default");
        assertThatThrownBy(() -> CommandLine.parse("renew", "now"))
                .isInstanceOf(UsageException.class)
                .hasMessage("unexpected argument 'now' after the command renew; options start with --");
        assertThatThrownBy(() -> CommandLine.parse("rollover-account-key", "--cert", "default"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert is not an option of rollover-account-key; expected --config, --help");
        assertThatThrownBy(() -> CommandLine.parse("renew", "--dry-run", "--directory", "not a url"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--directory: 'not a url' is not an absolute https:// URL; expected the https:// URL of an"
                        + " ACME v2 directory, such as https://acme-staging-v02.api.letsencrypt.org/directory");
    }
}
