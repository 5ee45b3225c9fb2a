package dev.acmefilter.provision;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.RegularFile;
import dev.acmefilter.state.LockFile;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Replaces the ACME account key (RFC 8555, section 7.3.5) without ever losing the account:
 * the new key is saved first ({@code <key file>.new}, 0600), then the CA is asked to change
 * the key, then the key file is replaced atomically and the old key kept as
 * {@code <key file>.old} (0600, same owner and group as the key file). A crash between
 * the CA's answer and the file replacement leaves the {@code .new} file: whoever loads the
 * key next (this command again, or the webapp's next order) asks the CA which of the two
 * keys it knows, and finishes or abandons the change accordingly.
 *
 * <p>Both steps hold the lock {@code <key file>.lock}, shared with the webapp's process.
 */
public final class AccountKeyRollover {

    private static final System.Logger LOG = System.getLogger(AccountKeyRollover.class.getName());
    private static final URI ACCOUNT_DOES_NOT_EXIST = URI.create("urn:ietf:params:acme:error:accountDoesNotExist");
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);
    /** Far more than any PEM key pair. */
    private static final int MAX_KEY_SIZE = 64 * 1024;

    /**
     * @param account    the account's URL, unchanged by the rollover
     * @param keyFile    the account key file, now holding the new key
     * @param oldKeyFile where the old key was kept
     */
    public record Result(URL account, Path keyFile, Path oldKeyFile) {
    }

    private AccountKeyRollover() {
    }

    /** The new key of a rollover in progress: {@code <key file>.new}. */
    public static Path pendingFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".new");
    }

    /** The previous key after a rollover: {@code <key file>.old}. */
    public static Path oldFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + ".old");
    }

    private static LockFile lock(Path keyFile) {
        return new LockFile(keyFile.resolveSibling(keyFile.getFileName() + ".lock"));
    }

    /**
     * Rolls the key of {@code account} over to a new key of its
     * {@code acme.account_key_type} (EC P-256 by default).
     *
     * @throws ProvisioningException when there is no account to roll over, the CA refused, or
     *         the outcome is unknown (then the {@code .new} file is kept for the next run)
     */
    public static Result rollover(AccountSettings account) throws ProvisioningException, InterruptedException {
        try (AcmeClient client = new AcmeClient(account)) {
            return rollover(client, account.accountKeyFile(), account.accountKeyType());
        }
    }

    static Result rollover(AcmeClient client, Path keyFile, KeyType newKeyType) throws ProvisioningException, InterruptedException {
        try (LockFile.Held held = lock(keyFile).acquire(LOCK_TIMEOUT, "account key rollover")) {
            finishPendingLocked(client, keyFile);
            if (!Files.exists(keyFile)) {
                throw new ProvisioningException(FailureKind.FILES, "acme.account_key_file: " + keyFile + " does not"
                        + " exist, so there is no account key to roll over", null);
            }
            byte[] oldPem = RegularFile.read(keyFile, MAX_KEY_SIZE);
            Login login;
            try {
                login = client.existingLogin(AccountKeys.load(keyFile));
            } catch (AcmeServerException e) {
                if (ACCOUNT_DOES_NOT_EXIST.equals(e.getType())) {
                    throw new ProvisioningException(FailureKind.CA_ERROR, "The CA at "
                            + client.session().getServerUri() + " has no account for the key in " + keyFile
                            + ", so there is nothing to roll over", e);
                }
                throw e;
            }
            KeyPair newKey = KeyPairs.create(newKeyType);
            byte[] newPem = KeyPairs.pem(newKey);
            Path pending = pendingFile(keyFile);
            AtomicFile.replace(pending, newPem, FileAttributes.OWNER_ONLY);
            try {
                login.getAccount().changeKey(newKey);
            } catch (AcmeServerException e) {
                Files.deleteIfExists(pending); // the CA answered no: the old key stays the account's key
                throw e;
            } catch (AcmeException e) {
                throw new ProvisioningException(FailureKind.NETWORK, "Account key rollover: the CA's answer did not"
                        + " arrive (" + e.getMessage() + "), so it is unknown whether it took the new key; " + pending
                        + " is kept, and the next run of this command or the webapp's next order asks the CA and"
                        + " finishes the change", e);
            }
            commit(keyFile, oldPem, newPem);
            LOG.log(Level.INFO, "Account {0} now uses the new key in {1}; the old key is kept in {2}",
                    login.getAccountLocation(), keyFile, oldFile(keyFile));
            return new Result(login.getAccountLocation(), keyFile, oldFile(keyFile));
        } catch (AcmeException e) {
            throw AcmeClient.translate("Account key rollover failed", e);
        } catch (TimeoutException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "Account key rollover: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ProvisioningException(FailureKind.FILES, "Account key rollover: cannot write beside " + keyFile
                    + ": " + e, e);
        }
    }

    /**
     * Settles a rollover that was interrupted after the new key was saved: keeps whichever
     * key the CA knows. A no-op (one {@code stat}) when there is no {@code .new} file.
     */
    static void finishPending(AcmeClient client, Path keyFile) throws AcmeException {
        if (!Files.exists(pendingFile(keyFile))) {
            return;
        }
        try (LockFile.Held held = lock(keyFile).acquire(LOCK_TIMEOUT, "recovery of an account key rollover")) {
            finishPendingLocked(client, keyFile);
        } catch (IOException | TimeoutException e) {
            throw new AcmeException("Cannot settle the interrupted account key rollover of " + keyFile + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeException("Interrupted while settling the account key rollover of " + keyFile, e);
        }
    }

    private static void finishPendingLocked(AcmeClient client, Path keyFile) throws AcmeException, IOException {
        Path pending = pendingFile(keyFile);
        if (!Files.exists(pending)) {
            return; // settled by the process that held the lock before
        }
        byte[] newPem = RegularFile.read(pending, MAX_KEY_SIZE);
        byte[] currentPem = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS) ? RegularFile.read(keyFile, MAX_KEY_SIZE)
                : null;
        if (Arrays.equals(newPem, currentPem)) {
            Files.delete(pending); // only the clean-up was left
            return;
        }
        try {
            Login login = client.existingLogin(AccountKeys.load(pending));
            LOG.log(Level.INFO, "The CA knows account {0} by the new key of an interrupted rollover ({1}):"
                    + " finishing the rollover", login.getAccountLocation(), pending);
            commit(keyFile, currentPem, newPem);
        } catch (AcmeServerException e) {
            if (!ACCOUNT_DOES_NOT_EXIST.equals(e.getType())) {
                throw e;
            }
            LOG.log(Level.INFO, "The interrupted account key rollover never reached the CA: keeping {0} and removing"
                    + " {1}", keyFile, pending);
            Files.delete(pending);
        }
    }

    /**
     * Old key to {@code .old}, new key into the key file, then the {@code .new} file goes. Both
     * are 0600 with the key file's owner and group (when this process may give them: a
     * rollover run as root leaves the files readable by the webapp's user).
     */
    private static void commit(Path keyFile, byte[] oldPem, byte[] newPem) throws IOException {
        Optional<FileAttributes> current = FileAttributes.read(keyFile);
        FileAttributes ownedLikeTheKey = current.isEmpty() ? FileAttributes.OWNER_ONLY
                : FileAttributes.OWNER_ONLY.withOwnerAndGroupOf(current.get()).ownerIfPossible();
        if (oldPem != null) {
            AtomicFile.replace(oldFile(keyFile), oldPem, ownedLikeTheKey);
        }
        AtomicFile.replace(keyFile, newPem, ownedLikeTheKey);
        Files.delete(pendingFile(keyFile));
    }
}
