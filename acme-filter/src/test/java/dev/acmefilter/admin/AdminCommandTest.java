package dev.acmefilter.admin;

import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.challenge.LayeredChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.AcmeClient;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.state.StateFile;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;


/**
 * The admin command against a real Pebble, while a "running container" answers challenges:
 * a Jetty with the challenge filter over the webapp's store (its own tokens, then the
 * command's files in the state dir), and the container's provisioner object, idle between
 * its checks. The command runs in-process through {@link AdminCommand#run}, with its own
 * challenge store and Provisioner, as it would in its own JVM.
 */
class AdminCommandTest {

    /** Without reused authorizations every order needs a challenge, which only the container can answer. */
    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.env("PEBBLE_AUTHZREUSE", "0")
            .resolveAllNamesToLoopback(true));

    @TempDir
    Path home;

    private Path yaml;
    private CertificateSettings settings;
    private Server container;
    private Provisioner containerProvisioner;

    /** What one run printed, and its exit status. */
    record Run(int status, String out, String err) {
    }

    @BeforeEach
    void startTheContainerWithACertificate() throws Exception {
        yaml = writeConfig("");
        settings = ConfigLoader.load(yaml).certificates().get(0);
        InMemoryChallengeStore memory = new InMemoryChallengeStore();
        container = ChallengeJetty.start(new LayeredChallengeStore(memory,
                DirectoryChallengeStore.inStateDir(settings.stateDir())), PEBBLE.get().httpPort());
        containerProvisioner = new Provisioner(settings, memory);
        assertThat(containerProvisioner.provisionIfNeeded().outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
    }

    @AfterEach
    void stopTheContainer() throws Exception {
        containerProvisioner.close();
        container.stop();
    }

    private Path writeConfig(String extraAcmeLines) throws Exception {
        return PEBBLE.homeserverYaml(home, extraAcmeLines);
    }

    private Run run(String... args) {
        return run(name -> null, args);
    }

    private Run run(java.util.function.UnaryOperator<String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new AdminCommand(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC()).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private X509Certificate leafOnDisk() throws Exception {
        return Pem.readCertificates(settings.certificatePath()).get(0);
    }

    private void assertAValidPairFromPebble() throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        assertThat(KeyMatch.matches(chain.get(0), Pem.readPrivateKey(settings.privateKeyPath()))).isTrue();
    }

    /** Pebble's own view of a certificate: {@code GET /cert-status-by-serial/<hex>} on its management port. */
    private String pebbleStatusOf(X509Certificate certificate) throws Exception {
        HttpResponse<String> answer = PEBBLE.get().httpClient().send(HttpRequest.newBuilder(PEBBLE.get()
                .managementUrl().resolve("cert-status-by-serial/" + certificate.getSerialNumber().toString(16)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    @Test
    void renewNowWritesANewCertificateAnsweredByTheRunningContainerWhileItsProvisionerIsIdle() throws Exception {
        X509Certificate before = leafOnDisk();

        Run renew = run("--config", yaml.toString(), "renew");

        assertThat(renew.status()).as(renew.err()).isZero();
        X509Certificate after = leafOnDisk();
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertAValidPairFromPebble();
        assertThat(renew.out()).startsWith("default: new certificate written to " + settings.certificatePath())
                .contains("serial " + after.getSerialNumber().toString(16));
        Path challenges = settings.stateDir().resolve("challenges");
        // absent when Pebble reused an authorization (it does so now and then even with PEBBLE_AUTHZREUSE=0)
        if (Files.exists(challenges)) {
            try (var left = Files.list(challenges)) {
                assertThat(left).as("no challenge file left behind").isEmpty();
            }
        }
        // the container's next check reads what the command wrote and keeps it
        ProvisionResult next = containerProvisioner.provisionIfNeeded();
        assertThat(next.outcome()).isEqualTo(ProvisionResult.Outcome.KEPT);
        assertThat(next.leaf().getSerialNumber()).isEqualTo(after.getSerialNumber());
    }

    @Test
    void renewWithCertRenewsThatEntryOnlyAndStatusListsEveryCertificate() throws Exception {
        writeConfig("""
                  certificates:
                    - id: element
                      domains: [element.example.org, chat.example.org]
                      certificate_path: tls/element.crt
                      private_key_path: tls/element.key
                """);
        byte[] defaultCertificate = Files.readAllBytes(settings.certificatePath());
        Path certificate = home.resolve("tls/element.crt");

        Run renew = run("--config", yaml.toString(), "renew", "--cert", "element");

        assertThat(renew.status()).as(renew.err()).isZero();
        assertThat(renew.out()).startsWith("element: new certificate written to " + certificate + " and "
                + home.resolve("tls/element.key"));
        List<X509Certificate> chain = Pem.readCertificates(certificate);
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1))
                .containsExactlyInAnyOrder((Object) "element.example.org", "chat.example.org");
        assertThat(KeyMatch.matches(chain.get(0), Pem.readPrivateKey(home.resolve("tls/element.key")))).isTrue();
        assertThat(Files.readAllBytes(settings.certificatePath())).as("the default certificate is not touched")
                .isEqualTo(defaultCertificate);

        Run status = run("--config", yaml.toString(), "status");
        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).contains("certificate default").contains("certificate element")
                .contains("serial:            " + chain.get(0).getSerialNumber().toString(16));
    }

    @Test
    void withoutDefaultCertificateAndSeveralEntriesCertMustNameOne() throws Exception {
        Files.writeString(yaml, Files.readString(yaml).replace("tls_certificate_path", "#")
                .replace("tls_private_key_path", "#") + """
                  certificates:
                    - {id: one, domains: [one.example.org], certificate_path: tls/one.crt, private_key_path: tls/one.key}
                    - {id: two, domains: [two.example.org], certificate_path: tls/two.crt, private_key_path: tls/two.key}
                """);

        Run renew = run("--config", yaml.toString(), "renew");

        assertThat(renew.status()).isEqualTo(AdminCommand.USAGE);
        assertThat(renew.err()).startsWith("acme-admin: --cert: " + yaml + " has several certificates (one, two);"
                + " name the one to act on");
        assertThat(home.resolve("tls/one.crt")).doesNotExist();
    }

    @Test
    void revokeWithKeyCompromiseRevokesAtTheCaThenRenews() throws Exception {
        X509Certificate old = leafOnDisk();
        assertThat(pebbleStatusOf(old)).contains("\"Status\": \"Valid\"");

        Run revoke = run("--config", yaml.toString(), "revoke", "--reason", "keyCompromise");

        assertThat(revoke.status()).as(revoke.err()).isZero();
        assertThat(pebbleStatusOf(old)).contains("\"Status\": \"Revoked\"").contains("\"Reason\": 1");
        X509Certificate replacement = leafOnDisk();
        assertThat(replacement.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
        assertAValidPairFromPebble();
        assertThat(pebbleStatusOf(replacement)).contains("\"Status\": \"Valid\"");
        assertThat(revoke.out()).contains("default: revoked " + settings.certificatePath() + " (serial "
                + old.getSerialNumber().toString(16) + ", reason keyCompromise), signed with the account key")
                .contains("default: new certificate written to");
        // the renewal kept the revoked pair as backups: the copy of the compromised key must go
        List<Path> keyBackups;
        try (var files = Files.list(settings.privateKeyPath().getParent())) {
            keyBackups = files.filter(p -> p.getFileName().toString().startsWith("localhost.key.")
                    && p.getFileName().toString().endsWith(".bak")).toList();
        }
        for (Path backup : keyBackups) {
            assertThat(KeyMatch.matches(old, Pem.readPrivateKey(backup))).as(backup.toString()).isFalse();
        }
        assertThat(revoke.out()).containsPattern("default: removed 1 backup of the compromised key: "
                + java.util.regex.Pattern.quote(settings.privateKeyPath().toString()) + "\\.\\d{8}T\\d{6}Z\\.bak\n");
    }

    @Test
    void aReplacementAfterKeyCompromiseHasANewKeyEvenWithKeepKey() throws Exception {
        writeConfig("  keep_key: true\n");
        X509Certificate old = leafOnDisk();
        Run renew = run("--config", yaml.toString(), "renew");
        assertThat(renew.status()).as(renew.err()).isZero();
        assertThat(leafOnDisk().getPublicKey()).as("keep_key reuses the key at a plain renewal")
                .isEqualTo(old.getPublicKey());

        Run revoke = run("--config", yaml.toString(), "revoke", "--reason", "keyCompromise");

        assertThat(revoke.status()).as(revoke.err()).isZero();
        assertThat(leafOnDisk().getPublicKey()).isNotEqualTo(old.getPublicKey());
        assertAValidPairFromPebble();
    }

    @Test
    void revokeWithNoRenewLeavesTheRevokedFilesAsTheyAre() throws Exception {
        X509Certificate old = leafOnDisk();
        byte[] certificate = Files.readAllBytes(settings.certificatePath());

        Run revoke = run("--config", yaml.toString(), "revoke", "--no-renew");

        assertThat(revoke.status()).as(revoke.err()).isZero();
        assertThat(pebbleStatusOf(old)).contains("\"Status\": \"Revoked\"");
        assertThat(Files.readAllBytes(settings.certificatePath())).isEqualTo(certificate);
        assertThat(revoke.out()).contains("reason unspecified").contains("no replacement ordered (--no-renew)");

        Run again = run("--config", yaml.toString(), "revoke", "--no-renew");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out()).contains("was already revoked");
    }

    @Test
    void accountKeyRolloverKeepsTheAccountAndTheContainerReloadsTheNewKey() throws Exception {
        URL account;
        try (AcmeClient client = new AcmeClient(settings)) {
            account = client.account().getLocation();
        }
        byte[] oldKey = Files.readAllBytes(settings.account().accountKeyFile());
        List<String> containerLog = capture(dev.acmefilter.provision.AcmeClient.class);

        Run rollover = run("--config", yaml.toString(), "rollover-account-key");

        assertThat(rollover.status()).as(rollover.err()).isZero();
        assertThat(rollover.out()).startsWith("account " + account + ": new key written to "
                + settings.account().accountKeyFile());
        assertThat(Files.readAllBytes(settings.account().accountKeyFile())).isNotEqualTo(oldKey);
        assertThat(mode(settings.account().accountKeyFile())).isEqualTo("rw-------");
        Path old = settings.account().accountKeyFile().resolveSibling("client.key.old");
        assertThat(Files.readAllBytes(old)).isEqualTo(oldKey);
        assertThat(mode(old)).isEqualTo("rw-------");
        try (AcmeClient client = new AcmeClient(settings)) {
            assertThat(client.account().getLocation()).as("the same account, found by the new key").isEqualTo(account);
        }
        // the container's provisioner still holds a login with the old key: its next order reloads the file
        ProvisionResult renewed = containerProvisioner.renewNow();
        assertThat(renewed.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        assertThat(containerLog).anyMatch(line -> line.startsWith("The account key " + settings.account().accountKeyFile()
                + " changed since it was loaded"));
    }

    @Test
    void dryRunOrdersIntoItsOwnFolderAndLeavesProductionFilesByteIdentical() throws Exception {
        Path state = StateFile.forCertificate(settings.stateDir(), settings.certificatePath()).path();
        List<Path> production = List.of(settings.certificatePath(), settings.privateKeyPath(),
                settings.account().accountKeyFile(), state);
        Map<Path, String> before = fingerprints(production);

        Run dry = run("--config", yaml.toString(), "renew", "--dry-run");

        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(fingerprints(production)).isEqualTo(before);
        Path output = settings.stateDir().resolve("dry-run");
        assertThat(dry.out()).startsWith("default: dry run against " + PEBBLE.get().directoryUrl() + " into " + output);
        List<X509Certificate> chain = Pem.readCertificates(output.resolve("localhost.crt"));
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        assertThat(KeyMatch.matches(chain.get(0), Pem.readPrivateKey(output.resolve("localhost.key")))).isTrue();
        assertThat(Files.readAllBytes(output.resolve("account.key"))).as("an account of its own")
                .isNotEqualTo(Files.readAllBytes(settings.account().accountKeyFile()));
        assertThat(dry.out()).contains("dry run succeeded: certificate for localhost written to "
                + output.resolve("localhost.crt") + ": serial " + chain.get(0).getSerialNumber().toString(16));
    }

    @Test
    void dryRunWritesToTheGivenOutputFolder() throws Exception {
        Path output = home.resolve("elsewhere/dry");
        Map<Path, String> before = fingerprints(List.of(settings.certificatePath(), settings.privateKeyPath()));

        Run dry = run("--config", yaml.toString(), "renew", "--dry-run", "--directory",
                PEBBLE.get().directoryUrl().toString(), "--output", output.toString());

        assertThat(dry.status()).as(dry.err()).isZero();
        assertThat(output.resolve("localhost.crt")).isRegularFile();
        assertThat(fingerprints(List.of(settings.certificatePath(), settings.privateKeyPath()))).isEqualTo(before);
        assertThat(settings.stateDir().resolve("dry-run")).doesNotExist();
    }

    @Test
    void statusShowsTheCertificateAndStateButNoKeyMaterial() throws Exception {
        StateFile.forCertificate(settings.stateDir(), settings.certificatePath())
                .update(s -> s.failed(java.time.Instant.parse("2030-01-02T03:04:05Z"), "the CA said no",
                        "rate_limited"))
                .consecutiveFailures();
        X509Certificate leaf = leafOnDisk();

        Run status = run(name -> name.equals("ACME_CONFIG") ? yaml.toString() : null, "status");

        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("certificate default")
                .contains("file:              " + settings.certificatePath() + " (key " + settings.privateKeyPath()
                        + ", mode rw-------)")
                .contains("serial:            " + leaf.getSerialNumber().toString(16))
                .contains("not after:         " + leaf.getNotAfter().toInstant() + " (" + java.time.Duration.between(
                        java.time.Instant.now(), leaf.getNotAfter().toInstant()).toDays() + " days left)")
                .contains("failures in a row: 1")
                .contains("next attempt:      2030-01-02T03:04:05Z")
                .contains("last error:        the CA said no")
                .contains("last error kind:   rate_limited")
                .contains("running now:       nothing")
                .contains("account key:       " + settings.account().accountKeyFile() + ", mode rw-------");
        for (Path key : List.of(settings.privateKeyPath(), settings.account().accountKeyFile())) {
            for (String secret : base64Lines(key)) {
                assertThat(status.out() + status.err()).doesNotContain(secret);
            }
        }
        assertThat(status.out()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void statusExitsOneWhenTheCertificateIsMissing() throws Exception {
        Files.delete(settings.certificatePath());

        Run status = run("--config", yaml.toString(), "status");

        assertThat(status.status()).isEqualTo(AdminCommand.FAILED);
        assertThat(status.out()).contains("certificate:       none yet");
    }

    @Test
    void wrongCommandLinesAndConfigurationsExitTwoWithAMessageNamingTheOptionOrSetting() throws Exception {
        String config = yaml.toString();
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("--config", config, "frobnicate"),
                "acme-admin: unknown command 'frobnicate'; expected one of status, renew, revoke, rollover-account-key");
        cases.put(List.of("--config", config), "acme-admin: no command given; expected one of status, renew, revoke,"
                + " rollover-account-key");
        cases.put(List.of("--config", config, "renew", "--cert", "matrix"),
                "acme-admin: --cert: there is no certificate 'matrix' in " + config + "; expected one of default");
        cases.put(List.of("--config", config, "revoke", "--reason", "stolen"),
                "acme-admin: --reason: 'stolen' is not a revocation reason; expected one of unspecified, keyCompromise,"
                        + " superseded, cessationOfOperation, affiliationChanged");
        cases.put(List.of("--config", config, "renew", "--output", "/tmp/x"),
                "acme-admin: --output only goes with --dry-run");
        cases.put(List.of("--config", config, "renew", "--dry-run", "--directory", "http://localhost/dir"),
                "acme-admin: --directory: 'http://localhost/dir' is not an absolute https:// URL; expected");
        cases.put(List.of("--config", config, "renew", "--dry-run", "--output", settings.certificatePath().getParent()
                .toString()), "acme-admin: --output: " + settings.certificatePath().getParent() + " holds the"
                + " production file " + settings.certificatePath());
        cases.put(List.of("--config", config, "renew", "--reason", "keyCompromise"),
                "acme-admin: --reason is not an option of renew; expected --cert, --dry-run, --directory, --output");
        cases.put(List.of("--config", config, "status", "--cert"),
                "acme-admin: --cert needs a value; expected a certificate id such as default");
        cases.put(List.of("--config", config, "renew", "--force"),
                "acme-admin: unknown option '--force' for renew; expected --cert, --dry-run, --directory, --output");
        cases.put(List.of("--config", home.resolve("missing.yaml").toString(), "status"),
                "acme-admin: " + home.resolve("missing.yaml") + ": no such file; expected Synapse's homeserver.yaml");
        byte[] certificate = Files.readAllBytes(settings.certificatePath());
        List<String> failures = new ArrayList<>();
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Run r = run(c.getKey().toArray(String[]::new));
            if (r.status() != AdminCommand.USAGE || !r.err().startsWith(c.getValue())) {
                failures.add(c.getKey() + " -> " + r.status() + ": " + r.err());
            }
        }
        assertThat(failures).isEmpty();

        writeConfig("  key_type: dsa\n");
        Run badSetting = run("--config", config, "renew");
        assertThat(badSetting.status()).isEqualTo(AdminCommand.USAGE);
        assertThat(badSetting.err()).startsWith("acme-admin: " + config + ": acme.key_type: 'dsa' is not a supported"
                + " key type");
        assertThat(Files.readAllBytes(settings.certificatePath())).isEqualTo(certificate);
    }

    @Test
    void severalConfigPathsAreReadAndMergedAsSynapseReadsThem() throws Exception {
        Path confD = Files.createDirectories(home.resolve("conf.d"));
        Files.writeString(confD.resolve("report_stats.yaml"), "report_stats: false\n");

        Run status = run("--config", yaml.toString(), "--config", confD.toString(), "status");
        Run colon = run("--config", yaml + ":" + confD, "status");

        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).contains("certificate default");
        assertThat(colon.out()).isEqualTo(status.out());
    }

    @Test
    void anOrderTheCaCannotValidateExitsOneWithTheHintAboutTheRunningWebapp() throws Exception {
        // a name this account never validated: Pebble cannot reuse an authorization, it must ask the webapp
        writeConfig("""
                  certificates:
                    - {id: hint, domains: [hint.example.org], certificate_path: tls/hint.crt, private_key_path: tls/hint.key}
                """);
        container.stop(); // nothing answers the challenges any more

        Run renew = run("--config", yaml.toString(), "renew", "--cert", "hint");

        assertThat(renew.status()).as(renew.err()).isEqualTo(AdminCommand.FAILED);
        assertThat(renew.err()).contains("acme-admin: http-01 validation of hint.example.org failed")
                .contains("acme-admin: hint: the CA fetches the challenges from the running webapp, which answers them"
                        + " from " + settings.stateDir().resolve("challenges") + ": is acme.war running with this"
                        + " homeserver.yaml (as a user that can read that folder), and does port 80 of"
                        + " hint.example.org reach it?");
        assertThat(home.resolve("tls/hint.crt")).doesNotExist();
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        Run help = run("--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("Usage: acme-admin [--config PATH] COMMAND [OPTIONS]")
                .contains("rollover-account-key");
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** SHA-256 and modification time of each file. */
    private static Map<Path, String> fingerprints(List<Path> files) throws Exception {
        Map<Path, String> result = new LinkedHashMap<>();
        for (Path file : files) {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            FileTime modified = Files.getLastModifiedTime(file);
            result.put(file, HexFormat.of().formatHex(hash) + " " + modified.toInstant());
        }
        return result;
    }

    /** The base64 lines of a PEM key file: what must never be printed. */
    private static List<String> base64Lines(Path pem) throws Exception {
        return Files.readAllLines(pem).stream().filter(l -> !l.startsWith("-----") && l.length() >= 16)
                .map(l -> l.substring(0, 16)).toList();
    }

    private static List<String> capture(Class<?> source) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger.getLogger(source.getName()).addHandler(new Handler() {
            @Override public void publish(LogRecord record) {
                lines.add(java.text.MessageFormat.format(record.getMessage(),
                        record.getParameters() == null ? new Object[0] : record.getParameters()));
            }
            @Override public void flush() { }
            @Override public void close() { }
        });
        return lines;
    }
}
