package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.exception.AcmeServerException;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Account key rollover against a real Pebble, including rollovers interrupted by a crash. */
class AccountKeyRolloverTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.withDefaults();

    private static final URI ACCOUNT_DOES_NOT_EXIST = URI.create("urn:ietf:params:acme:error:accountDoesNotExist");

    @TempDir
    Path dir;

    private CertificateSettings settings() {
        return PEBBLE.settings(dir).certificatePath(dir.resolve("tls/localhost.crt"))
                .privateKeyPath(dir.resolve("tls/localhost.key")).build();
    }

    private static byte[] pem(KeyPair key) throws Exception {
        return KeyPairs.pem(key);
    }

    private static URL accountOf(AcmeClient client, KeyPair key) throws Exception {
        return client.existingLogin(key).getAccountLocation();
    }

    /** Registers the account of {@code settings} (creating its key file) and returns its location. */
    private static URL registerAccount(CertificateSettings settings) throws Exception {
        try (AcmeClient client = new AcmeClient(settings)) {
            return client.account().getLocation();
        }
    }

    @Test
    void afterARolloverOnlyTheNewKeyFindsTheSameAccount() throws Exception {
        CertificateSettings settings = settings();
        URL account = registerAccount(settings);
        KeyPair oldKey = AccountKeys.load(settings.account().accountKeyFile());

        AccountKeyRollover.Result result = AccountKeyRollover.rollover(settings.account());

        assertThat(result.account()).isEqualTo(account);
        KeyPair newKey = AccountKeys.load(settings.account().accountKeyFile());
        assertThat(newKey.getPublic()).isNotEqualTo(oldKey.getPublic());
        assertThat(AccountKeys.load(result.oldKeyFile()).getPublic()).isEqualTo(oldKey.getPublic());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(result.oldKeyFile())))
                .isEqualTo("rw-------");
        assertThat(AccountKeyRollover.pendingFile(settings.account().accountKeyFile())).doesNotExist();
        try (AcmeClient client = new AcmeClient(settings)) {
            assertThat(accountOf(client, newKey)).isEqualTo(account);
            assertThatThrownBy(() -> accountOf(client, oldKey))
                    .isInstanceOfSatisfying(AcmeServerException.class,
                            e -> assertThat(e.getType()).isEqualTo(ACCOUNT_DOES_NOT_EXIST));
        }
    }

    @Test
    void anAccountKeyFileThatIsASymbolicLinkIsRefusedNamingItBeforeTheCaIsAsked() throws Exception {
        CertificateSettings settings = settings();
        URL account = registerAccount(settings);
        Path real = Files.move(settings.account().accountKeyFile(), dir.resolve("real.key"));
        byte[] realPem = Files.readAllBytes(real);
        Files.createSymbolicLink(settings.account().accountKeyFile(), real);

        assertThatThrownBy(() -> AccountKeyRollover.rollover(settings.account())).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining(settings.account().accountKeyFile() + ": is a symbolic link");

        assertThat(Files.isSymbolicLink(settings.account().accountKeyFile())).isTrue();
        assertThat(real).hasBinaryContent(realPem);
        assertThat(AccountKeyRollover.pendingFile(settings.account().accountKeyFile())).doesNotExist();
        try (AcmeClient client = new AcmeClient(settings)) {
            assertThat(accountOf(client, AccountKeys.load(real))).isEqualTo(account);
        }
    }

    @Test
    void aRolloverGivesTheAccountANewKeyOfTheConfiguredType() throws Exception {
        CertificateSettings settings = settings();
        URL account = registerAccount(settings); // an ec256 key, the default
        CertificateSettings ec384 = settings.toBuilder().accountKeyType(KeyType.EC384).build();

        AccountKeyRollover.Result result = AccountKeyRollover.rollover(ec384.account());

        KeyPair newKey = AccountKeys.load(settings.account().accountKeyFile());
        assertThat(KeyPairs.typeOf(newKey.getPublic())).contains(KeyType.EC384);
        assertThat(KeyPairs.typeOf(AccountKeys.load(result.oldKeyFile()).getPublic())).contains(KeyType.EC256);
        try (AcmeClient client = new AcmeClient(ec384)) {
            assertThat(accountOf(client, newKey)).isEqualTo(account);
        }
    }

    @Test
    void aRolloverInterruptedAfterTheCaTookTheNewKeyIsFinishedByTheNextLoad() throws Exception {
        CertificateSettings settings = settings();
        byte[] oldPem;
        URL account;
        KeyPair newKey = KeyPairs.create(KeyType.EC256);
        try (AcmeClient client = new AcmeClient(settings)) {
            account = client.account().getLocation();
            oldPem = Files.readAllBytes(settings.account().accountKeyFile());
            Files.write(AccountKeyRollover.pendingFile(settings.account().accountKeyFile()), pem(newKey));
            client.account().changeKey(newKey); // then the process died before replacing the key file
        }

        try (AcmeClient next = new AcmeClient(settings)) {
            assertThat(next.account().getLocation()).isEqualTo(account);
        }

        assertThat(Files.readAllBytes(settings.account().accountKeyFile())).isEqualTo(pem(newKey));
        assertThat(Files.readAllBytes(AccountKeyRollover.oldFile(settings.account().accountKeyFile()))).isEqualTo(oldPem);
        assertThat(AccountKeyRollover.pendingFile(settings.account().accountKeyFile())).doesNotExist();
    }

    @Test
    void aRolloverInterruptedBeforeTheCaHeardOfItKeepsTheOldKey() throws Exception {
        CertificateSettings settings = settings();
        URL account = registerAccount(settings);
        byte[] oldPem = Files.readAllBytes(settings.account().accountKeyFile());
        Files.write(AccountKeyRollover.pendingFile(settings.account().accountKeyFile()),
                pem(KeyPairs.create(KeyType.EC256))); // then the process died before asking the CA

        try (AcmeClient next = new AcmeClient(settings)) {
            assertThat(next.account().getLocation()).isEqualTo(account);
        }

        assertThat(Files.readAllBytes(settings.account().accountKeyFile())).isEqualTo(oldPem);
        assertThat(AccountKeyRollover.pendingFile(settings.account().accountKeyFile())).doesNotExist();
        assertThat(AccountKeyRollover.oldFile(settings.account().accountKeyFile())).doesNotExist();
    }

    @Test
    void aKeyWithoutAnAccountOrNoKeyAtAllIsNotRolledOver() throws Exception {
        CertificateSettings settings = settings();

        assertThatThrownBy(() -> AccountKeyRollover.rollover(settings.account()))
                .isInstanceOfSatisfying(ProvisioningException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.FILES))
                .hasMessage("acme.account_key_file: " + settings.account().accountKeyFile() + " does not exist, so there is no"
                        + " account key to roll over");

        byte[] unregistered = pem(KeyPairs.create(KeyType.EC256));
        Files.write(settings.account().accountKeyFile(), unregistered);
        assertThatThrownBy(() -> AccountKeyRollover.rollover(settings.account()))
                .isInstanceOfSatisfying(ProvisioningException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.CA_ERROR))
                .hasMessageStartingWith("The CA at " + settings.account().directoryUrl() + " has no account for the key in "
                        + settings.account().accountKeyFile() + ", so there is nothing to roll over");
        assertThat(Files.readAllBytes(settings.account().accountKeyFile())).isEqualTo(unregistered);
        assertThat(AccountKeyRollover.pendingFile(settings.account().accountKeyFile())).doesNotExist();
    }
}
