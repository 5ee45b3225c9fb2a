package dev.acmefilter.admin;

import dev.acmefilter.provision.CertificateRevocation;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminArgumentsTest {

    @Test
    void optionsMayComeBeforeOrAfterTheCommandWithASpaceOrAnEqualsSign() {
        AdminArguments line = AdminArguments.parse("--config=/etc/hs.yaml", "renew", "--dry-run", "--directory",
                "https://ca.test/dir", "--output=/tmp/dry", "--cert", "default");

        assertThat(line.command()).isEqualTo("renew");
        assertThat(line.configs()).containsExactly(Path.of("/etc/hs.yaml"));
        assertThat(line.dryRun()).isTrue();
        assertThat(line.directory()).contains(URI.create("https://ca.test/dir"));
        assertThat(line.output()).contains(Path.of("/tmp/dry"));
        assertThat(line.cert()).contains("default");
    }

    @Test
    void configMayBeRepeatedBeforeAndAfterTheCommandAndKeepsItsOrder() {
        AdminArguments line = AdminArguments.parse("--config", "/etc/matrix-synapse/homeserver.yaml", "status",
                "--config=/etc/matrix-synapse/conf.d/", "--config", " /etc/acme.yaml ");

        assertThat(line.configs()).containsExactly(Path.of("/etc/matrix-synapse/homeserver.yaml"),
                Path.of("/etc/matrix-synapse/conf.d/"), Path.of("/etc/acme.yaml"));
        assertThat(AdminArguments.parse("rollover-account-key").configs()).isEmpty();
    }

    @Test
    void revokeDefaultsToReasonUnspecifiedAndRenewing() {
        AdminArguments line = AdminArguments.parse("revoke");

        assertThat(line.reason()).isEqualTo(CertificateRevocation.Reason.UNSPECIFIED);
        assertThat(line.noRenew()).isFalse();
        assertThat(AdminArguments.parse("revoke", "--reason", "cessationOfOperation", "--no-renew").reason())
                .isEqualTo(CertificateRevocation.Reason.CESSATION_OF_OPERATION);
    }

    @Test
    void helpNeedsNoCommand() {
        assertThat(AdminArguments.parse("-h").help()).isTrue();
        assertThat(AdminArguments.parse("status", "--help").help()).isTrue();
        assertThat(AdminArguments.parse("--help", "renew").help()).isTrue();
        assertThat(AdminArguments.parse("status").help()).isFalse();
    }

    @Test
    void anArgumentStartingWithAtIsAValueNeverAFileToReadArgumentsFrom() {
        assertThat(AdminArguments.parse("status", "--cert", "@/etc/shadow").cert()).contains("@/etc/shadow");
    }

    @Test
    void mistakesNameTheOption() {
        assertThatThrownBy(() -> AdminArguments.parse("renew", "--cert", "a", "--cert", "b"))
                .isInstanceOf(UsageException.class).hasMessage("--cert is given twice");
        assertThatThrownBy(() -> AdminArguments.parse("renew", "--dry-run=yes"))
                .isInstanceOf(UsageException.class).hasMessage("--dry-run takes no value");
        assertThatThrownBy(() -> AdminArguments.parse("renew", "--cert", "--dry-run"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert needs a value; expected a certificate id such as default");
        assertThatThrownBy(() -> AdminArguments.parse("renew", "--cert="))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert is empty; expected a certificate id such as default");
        assertThatThrownBy(() -> AdminArguments.parse("renew", "now"))
                .isInstanceOf(UsageException.class)
                .hasMessage("unexpected argument 'now' after the command renew; options start with --");
        assertThatThrownBy(() -> AdminArguments.parse("rollover-account-key", "--cert", "default"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cert is not an option of rollover-account-key; expected --allow-shared-folders, --config, --help");
        assertThatThrownBy(() -> AdminArguments.parse("renew", "--dry-run", "--directory", "not a url"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--directory: 'not a url' is not an absolute https:// URL; expected the https:// URL of an"
                        + " ACME v2 directory, such as https://acme-staging-v02.api.letsencrypt.org/directory");
    }

    @Test
    void everyOtherMistakeNamesTheOptionOrTheArgumentToo() {
        List<List<String>> lines = List.of(List.of("revoke", "--reason"), List.of("revoke", "--reason", " "),
                List.of("status", "--config"), List.of("status", "--config="), List.of("--cert", "x", "renew"),
                List.of("--force"), List.of("renew", "--output", "/tmp/x"), List.of("status", "--cert", "a", "b"));
        List<String> messages = lines.stream().map(args -> {
            try {
                AdminArguments.parse(args.toArray(String[]::new));
                return "accepted " + args;
            } catch (UsageException e) {
                return e.getMessage();
            }
        }).toList();

        assertThat(messages).containsExactly(
                "--reason needs a value; expected one of unspecified, keyCompromise, superseded, cessationOfOperation,"
                        + " affiliationChanged",
                "--reason is empty; expected one of unspecified, keyCompromise, superseded, cessationOfOperation,"
                        + " affiliationChanged",
                "--config needs a value; expected the path of homeserver.yaml",
                "--config is empty; expected the path of homeserver.yaml",
                "--cert is an option of status, renew, revoke: it goes after the command",
                "unknown option '--force'; expected --config, --help",
                "--output only goes with --dry-run (a dry run's CA and folder); a real renewal uses acme.url and the"
                        + " configured paths",
                "unexpected argument 'b' after the command status; options start with --");
    }

    @Test
    void theUsageCoversEveryCommandAndEveryOption() {
        String usage = AdminArguments.usage();

        assertThat(usage).startsWith("Usage: acme-admin [--config PATH] COMMAND [OPTIONS]");
        for (String word : List.of("status", "renew", "revoke", "rollover-account-key", "--config", "--cert",
                "--dry-run", "--directory", "--output", "--reason", "--no-renew", "--help", "keyCompromise",
                "Exit status: 0 done, 1 the operation failed, 2 wrong command line or configuration.")) {
            assertThat(usage).contains(word);
        }
    }
}
