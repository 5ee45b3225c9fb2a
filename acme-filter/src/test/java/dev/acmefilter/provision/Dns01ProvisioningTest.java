package dev.acmefilter.provision;

import dev.acmefilter.admin.AdminCommand;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.dns.DnsException;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.state.RenewalState;
import dev.acmefilter.status.CertificateStatus;
import dev.acmefilter.status.HealthRule;
import dev.acmefilter.status.StatusDocument;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.NsupdateHook;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.ProvisionerRuns;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * dns-01 through the product, from a loaded {@code homeserver.yaml} to the files on disk,
 * against a real BIND and a real Pebble whose VA asks that BIND; nothing listens for
 * http-01. The wildcard and its base name, the refusals of the DNS server (each a clear
 * error with the usual backoff and nothing left in the zone), the strict pre-flight, the
 * hook, and the admin command's dry run.
 */
class Dns01ProvisioningTest {

    @RegisterExtension
    static final ClassFixture<Dns01Fixture> DNS01 = ClassFixture.of(Dns01Fixture::start);

    @TempDir
    Path home;

    private static List<String> names(X509Certificate leaf) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
            names.add((String) san.get(1));
        }
        return names;
    }

    private X509Certificate assertIssued(String... names) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(home.resolve("tls/example.test.crt"));
        Pebble.verifyChain(chain, DNS01.get().pebble.roots());
        assertThat(names(chain.get(0))).containsExactlyInAnyOrder(names);
        assertThat(KeyMatch.matches(chain.get(0), Pem.readPrivateKey(home.resolve("tls/example.test.key")))).isTrue();
        return chain.get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNameAndItsWildcardAreIssuedWithDns01WhileNothingListensForHttp01AndTheRecordsAreGoneAfterwards()
            throws Exception {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), DNS01.get().pebble.httpPort()).close())
                .as("nothing listens where Pebble would check http-01").isInstanceOf(ConnectException.class);
        AcmeConfig config = ConfigLoader.load(DNS01.get().config(home, Dns01Fixture.wildcardNames(),
                DNS01.get().rfc2136(home).toArray(String[]::new)));

        try (LogCapture log = LogCapture.of(CertificateOrder.class, dev.acmefilter.dns.DnsPreflight.class);
             CertificateFleet fleet = new CertificateFleet(config, new InMemoryChallengeStore())) {
            Provisioner provisioner = fleet.find("default").orElseThrow().provisioner();
            ProvisionResult result = provisioner.provisionIfNeeded();

            assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
            assertIssued("example.test", "*.example.test");
            assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).as("our records are gone").isEmpty();
            assertThat(home.resolve(Dns01Fixture.JOURNAL)).as("nothing left to sweep").doesNotExist();
            assertThat(log.lines()).contains("Pre-flight check of example.test: a test TXT record reached every name"
                            + " server (RFC 2136 at " + DNS01.get().bind.primaryAddress()
                            + " with TSIG key acme-update."
                            + " (hmac-sha256))",
                    "The CA validated example.test (dns-01)", "The CA validated *.example.test (dns-01)")
                    .containsAnyOf("Asked the CA to validate example.test, *.example.test (dns-01)",
                            "Asked the CA to validate *.example.test, example.test (dns-01)");
            // Pebble's VA asked BIND for the records (recursion desired: "+"; our own checks ask without)
            assertThat(DNS01.get().bind.log()).contains("query: _acme-challenge.example.test IN TXT +");

            Map<String, Object> json = JsonUtil.parseJson(new StatusDocument(List.of(CertificateStatus.of(
                    fleet.find("default").orElseThrow(), Clock.systemUTC())), new HealthRule(3, Duration.ofDays(14)),
                    Instant.now()).json());
            Map<String, Object> status = (Map<String, Object>) ((List<Object>) json.get("certificates")).get(0);
            assertThat(status.get("challenge")).isEqualTo("dns-01");
            assertThat(status.get("dns")).isEqualTo("RFC 2136 at " + DNS01.get().bind.primaryAddress()
                    + " with TSIG key acme-update. (hmac-sha256)");
            assertThat(JsonUtil.toJson(json)).doesNotContain(DNS01.get().bind.keySecret());
        }
    }

    /** What the DNS server refuses, and the words that must say so. */
    enum Refusal {
        WRONG_SECRET("rejected the signature of the TSIG key acme-update. (NOTAUTH, TSIG error BADSIG)"),
        UNKNOWN_KEY("does not know the TSIG key nobody. with algorithm hmac-sha256 (NOTAUTH, TSIG error BADKEY)"),
        LOCKED_ZONE("refused adding the TXT record _acme-challenge.locked.test. in the zone locked.test."),
        UNREACHABLE("over TCP: connection refused");

        final String words;

        Refusal(String words) {
            this.words = words;
        }
    }

    private Path configRefused(Refusal refusal, int closedPort) throws Exception {
        String primary = "'" + DNS01.get().bind.primaryAddress() + "'";
        String keyFile = "'" + DNS01.get().keyFile(home) + "'";
        String rfc2136 = switch (refusal) {
            case WRONG_SECRET -> "{server: " + primary + ", tsig_key: acme-update, tsig_secret: '"
                    + Dns01Fixture.otherSecret() + "'}";
            case UNKNOWN_KEY -> "{server: " + primary + ", tsig_key: nobody, tsig_secret: '"
                    + DNS01.get().bind.keySecret() + "'}";
            case LOCKED_ZONE -> "{server: " + primary + ", tsig_secret_file: " + keyFile + "}";
            case UNREACHABLE -> "{server: '127.0.0.1:" + closedPort + "', tsig_secret_file: " + keyFile
                    + ", zone: example.test}";
        };
        List<String> names = refusal == Refusal.LOCKED_ZONE ? List.of("domain: locked.test")
                : Dns01Fixture.wildcardNames();
        return DNS01.get().config(home, names, "dns:", "  rfc2136: " + rfc2136, "  propagation_timeout: 10",
                "  check_servers: [" + primary + "]");
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void aRefusedOrUnreachableUpdateIsOneClearErrorThatBacksOffAndLeavesNothingInTheZone(Refusal refusal)
            throws Exception {
        int closedPort = Dns01Fixture.closedPort();
        AcmeConfig config = ConfigLoader.load(configRefused(refusal, closedPort));
        String record = refusal == Refusal.LOCKED_ZONE ? "_acme-challenge.locked.test." : Dns01Fixture.RECORD;
        String name = refusal == Refusal.LOCKED_ZONE ? "locked.test" : "(\\*\\.)?example.test";

        try (CertificateFleet fleet = new CertificateFleet(config, new InMemoryChallengeStore())) {
            ManagedCertificate certificate = fleet.find("default").orElseThrow();
            Instant started = Instant.now();
            fleet.start();
            Dns01Fixture.awaitUntil("the check fails", Duration.ofSeconds(60),
                    () -> certificate.scheduler().lastFailure().isPresent());

            RenewalState state = certificate.scheduler().state();
            assertThat(state.consecutiveFailures()).isEqualTo(1);
            assertThat(state.lastError()).containsPattern("^Cannot add the dns-01 TXT record for " + name + ": ")
                    .contains(refusal.words).doesNotContain(DNS01.get().bind.keySecret());
            if (refusal == Refusal.UNREACHABLE) {
                assertThat(state.lastError()).contains("cannot reach 127.0.0.1:" + closedPort);
            }
            assertThat(state.nextAttemptTime()).as("the usual backoff: a minute, plus up to 20 %% jitter")
                    .hasValueSatisfying(t -> assertThat(t).isBetween(started.plus(Duration.ofSeconds(60)),
                            Instant.now().plus(Duration.ofSeconds(73))));
            assertThat(certificate.scheduler().lastFailure()).hasValueSatisfying(e -> assertThat(e.getCause())
                    .isInstanceOf(DnsException.class));
            assertThat(DNS01.get().txt(record)).as("nothing left in the zone").isEmpty();
            assertThat(home.resolve("tls/example.test.crt")).doesNotExist();
        }
    }

    @Test
    void aStrictPreflightNamesTheRejectedKeyAndPlacesNoOrder() throws Exception {
        Path yaml = configRefused(Refusal.WRONG_SECRET, 0);
        Files.writeString(yaml, Files.readString(yaml) + "  preflight: {mode: strict}\n");
        Provisioner provisioner = new Provisioner(ConfigLoader.load(yaml).certificates().get(0),
                new InMemoryChallengeStore());
        try {
            assertThatThrownBy(provisioner::provisionIfNeeded).isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("Pre-flight self-test failed, so no order was placed (acme.preflight.mode"
                            + " is strict): adding a test TXT record at _acme-challenge.example.test. failed: "
                            + DNS01.get().bind.primaryAddress()
                            + " rejected the signature of the TSIG key acme-update.");
            assertThat(provisioner.ordersStarted()).isZero();
            assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).isEmpty();
        } finally {
            provisioner.close();
        }
    }

    @Test
    void aHookThatCallsNsupdateAnswersTheChallenges() throws Exception {
        Path hook = NsupdateHook.write(home.resolve("acme-dns-hook"), DNS01.get().bind.port(),
                DNS01.get().keyFile(home));
        AcmeConfig config = ConfigLoader.load(DNS01.get().config(home, Dns01Fixture.wildcardNames(), "dns:",
                "  command: acme-dns-hook", "  command_timeout: 20", "  propagation_timeout: 20",
                "  check_servers: ['" + DNS01.get().bind.primaryAddress() + "']"));
        assertThat(ProvisionerRuns.check(config.certificates().get(0), new InMemoryChallengeStore()).outcome())
                .isEqualTo(ProvisionResult.Outcome.ISSUED);

        assertIssued("example.test", "*.example.test");
        assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).isEmpty();
        assertThat(Files.readAllLines(NsupdateHook.calls(hook)).stream()
                .map(call -> call.substring(0, call.lastIndexOf(' '))))
                .as("pre-flight probe, then the two challenges (step and name)").containsExactly(
                "present " + Dns01Fixture.RECORD, "cleanup " + Dns01Fixture.RECORD,
                "present " + Dns01Fixture.RECORD, "present " + Dns01Fixture.RECORD,
                "cleanup " + Dns01Fixture.RECORD, "cleanup " + Dns01Fixture.RECORD);
    }

    @Test
    void theAdminCommandsDryRunOrdersWithDns01AndItsStatusShowsTheChallenge() throws Exception {
        Path yaml = DNS01.get().config(home, Dns01Fixture.wildcardNames(),
                DNS01.get().rfc2136(home).toArray(String[]::new));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AdminCommand admin = new AdminCommand(name -> null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());

        int status = admin.run("--config", yaml.toString(), "renew", "--dry-run", "--directory",
                DNS01.get().pebble.directoryUrl().toString());

        assertThat(status).as(out + "\n" + err).isEqualTo(AdminCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("default: dry run succeeded: certificate for"
                + " example.test, *.example.test written to " + home.resolve("dry-run/example.test.crt"));
        assertThat(home.resolve("tls/example.test.crt")).as("production files untouched").doesNotExist();
        assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).isEmpty();
        assertThat(home.resolve("dry-run/" + Dns01Fixture.JOURNAL)).as("journalled in the production state folder,"
                + " which the webapp sweeps").doesNotExist();

        out.reset();
        admin.run("--config", yaml.toString(), "status");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(String.format("  %-18s %s%n", "challenge:",
                "dns-01 (RFC 2136 at " + DNS01.get().bind.primaryAddress()
                        + " with TSIG key acme-update. (hmac-sha256))"));
        assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                .doesNotContain(DNS01.get().bind.keySecret());
    }
}
