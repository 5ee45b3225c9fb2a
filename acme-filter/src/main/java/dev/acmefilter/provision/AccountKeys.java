package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * The ACME account key ({@code acme.account_key_file}): the account's identity at the CA.
 * Created once (mode 0600) when the file is missing. An existing file that cannot be read
 * or parsed is an error and is never replaced: a new key would be a new account, losing
 * the old one's orders, rate-limit history and any revocation rights. For the same reason
 * {@code acme.account_key_type} only decides the type of a key that is created; an existing
 * key of another type is kept, with a warning.
 */
public final class AccountKeys {

    private static final System.Logger LOG = System.getLogger(AccountKeys.class.getName());

    private AccountKeys() {
    }

    /** Loads the key pair at {@code file}, or creates one (EC P-256) when there is no file. */
    public static KeyPair loadOrCreate(Path file) {
        return loadOrCreate(file, KeyType.EC256);
    }

    /**
     * Loads the key pair at {@code file}, or creates one of {@code type} when there is no
     * file. An existing key of another type is used all the same, and a warning says so.
     */
    public static KeyPair loadOrCreate(Path file, KeyType type) {
        if (Files.exists(file)) {
            return loadExpecting(file, type);
        }
        KeyPair created = KeyPairs.create(type);
        try {
            writeNew(file, created);
        } catch (FileAlreadyExistsException raced) {
            // another process (a second node, a quick redeploy) created it first: use theirs
            return loadExpecting(file, type);
        } catch (IOException e) {
            throw new ConfigException("acme.account_key_file: cannot create the account key " + file + ": " + e
                    + "; expected a writable folder for it", e);
        }
        LOG.log(Level.INFO, "Created a new ACME account key ({0}) at {1}", type.configName(), file);
        return created;
    }

    private static KeyPair loadExpecting(Path file, KeyType type) {
        KeyPair existing = load(file);
        if (KeyPairs.typeOf(existing.getPublic()).orElse(null) != type) {
            LOG.log(Level.WARNING, "acme.account_key_type: the account key {0} is {1}, not {2}; it is kept, as a new "
                    + "key would be a new ACME account (move the file away to start a new account with a {2} key)",
                    file, KeyPairs.describe(existing.getPublic()), type.configName());
        }
        return existing;
    }

    /** Reads the key pair at {@code file}, which must exist. */
    public static KeyPair load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return KeyPairUtils.readKeyPair(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("acme.account_key_file: the account key " + file + " disappeared while it was read", e);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("acme.account_key_file: cannot read the account key " + file + " (" + e
                    + "); expected a PEM key pair. The file is left as it is: fix or move it away "
                    + "(a new key means a new ACME account)", e);
        }
    }

    /** Writes the key owner-only and never over an existing file. */
    private static void writeNew(Path file, KeyPair keyPair) throws IOException {
        Folders.create(file.toAbsolutePath().getParent(), Folders.OPEN_MODE, Optional.empty());
        AtomicFile.createNew(file, KeyPairs.pem(keyPair), FileAttributes.OWNER_ONLY);
    }
}
