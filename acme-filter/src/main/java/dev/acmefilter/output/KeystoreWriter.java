package dev.acmefilter.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.KeystoreSettings;
import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;

/**
 * Writes the certificate chain and its key as a PKCS#12 keystore ({@code acme.keystore})
 * for Java servers that cannot read PEM files.
 *
 * <p>Crash-safe on its own: written with {@link AtomicFile} (a temporary file beside it,
 * synced, renamed over it atomically), so a reader sees the old or the new keystore, never
 * half of one; a temporary file left by a crash is removed by the next write. It is one
 * file, so it needs none of {@link CertificatePairWriter}'s journal; it is written after the
 * PEM pair, which stays the reference.
 *
 * <p>A new keystore gets the mode and group of a new key file ({@code 0600} by default);
 * a replaced one keeps its owner, group and mode, read without following a link: a keystore
 * path that is a symbolic link is an error naming it. The password protects both the file
 * and the key entry; it is never logged or put into a message.
 */
public final class KeystoreWriter {

    private static final System.Logger LOG = System.getLogger(KeystoreWriter.class.getName());
    private static final String TYPE = "PKCS12";

    private final Path path;
    private final char[] password;
    private final String alias;
    private final FileOptions options;

    public KeystoreWriter(Path path, char[] password, String alias, FileOptions options) {
        Path absolute = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        if (absolute.getParent() == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("not a file path for the keystore: " + path);
        }
        this.path = absolute;
        this.password = Objects.requireNonNull(password, "password").clone();
        this.alias = Objects.requireNonNull(alias, "alias");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A writer for {@code acme.keystore} (with {@code acme.file_group} and {@code acme.key_file_mode}), or empty. */
    public static Optional<KeystoreWriter> forSettings(CertificateSettings settings) {
        return settings.keystore().map(k -> forKeystore(k, FileOptions.from(settings)));
    }

    static KeystoreWriter forKeystore(KeystoreSettings keystore, FileOptions options) {
        return new KeystoreWriter(keystore.path(), keystore.password().toCharArray(), keystore.alias(), options);
    }

    public Path path() {
        return path;
    }

    /**
     * Replaces (or creates) the keystore.
     *
     * @param chain      the full chain, leaf first
     * @param privateKey the leaf's private key
     * @throws IllegalArgumentException when the chain is empty or the key does not match the leaf
     * @throws IOException when it cannot be written; the previous keystore is then unchanged
     */
    public synchronized void write(List<X509Certificate> chain, PrivateKey privateKey) throws IOException {
        X509Certificate leaf = KeyMatch.requireLeaf(chain, privateKey, "the keystore was not written");
        byte[] content = encode(chain, privateKey);
        try {
            Optional<FileAttributes> current = FileAttributes.read(path);
            if (current.isPresent()) {
                AtomicFile.replace(path, content, current.get());
            } else {
                Optional<GroupPrincipal> group = group();
                Folders.create(path.getParent(), FileOptions.DIRECTORY_MODE, group);
                AtomicFile.replace(path, content, FileAttributes.of(options.newKeyMode()).withGroup(group));
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        LOG.log(Level.INFO, "Keystore {0} written: alias {1}, serial {2}", path, alias,
                leaf.getSerialNumber().toString(16));
    }

    private byte[] encode(List<X509Certificate> chain, PrivateKey privateKey) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, null);
            store.setKeyEntry(alias, privateKey, password, chain.toArray(new X509Certificate[0]));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            store.store(bytes, password);
            return bytes.toByteArray();
        } catch (GeneralSecurityException e) {
            // a KeyStoreException's message never holds the password
            throw new IOException("cannot build the PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    /** {@code acme.file_group}, for a new keystore and a new folder. */
    private Optional<GroupPrincipal> group() throws IOException {
        if (options.group().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(path.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(options.group().get()));
    }
}
