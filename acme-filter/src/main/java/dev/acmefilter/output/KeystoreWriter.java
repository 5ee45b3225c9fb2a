package dev.acmefilter.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.KeystoreSettings;

/**
 * Writes the certificate chain and its key as a PKCS#12 keystore ({@code acme.keystore})
 * for Java servers that cannot read PEM files.
 *
 * <p>Crash-safe on its own: the keystore is written to {@code <path>.new} beside the
 * target, synced, and renamed over it atomically, so a reader sees the old or the new
 * keystore, never half of one. A stale {@code .new} from a crash is simply overwritten.
 * It is one file, so it needs none of {@link CertificatePairWriter}'s journal; it is
 * written after the PEM pair, which stays the reference.
 *
 * <p>A new keystore gets the mode and group of a new key file ({@code 0600} by default);
 * a replaced one keeps its owner, group and mode. The password protects both the file
 * and the key entry; it is never logged or put into a message.
 */
public final class KeystoreWriter {

    private static final System.Logger LOG = System.getLogger(KeystoreWriter.class.getName());
    private static final String TYPE = "PKCS12";
    private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

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
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        if (!KeyMatch.matches(chain.get(0), privateKey)) {
            throw new IllegalArgumentException("the private key does not match the certificate for "
                    + chain.get(0).getSubjectX500Principal().getName() + "; the keystore was not written");
        }
        byte[] content = encode(chain, privateKey);
        Path temporary = path.resolveSibling(path.getFileName() + ".new");
        try {
            createParent();
            Files.deleteIfExists(temporary);
            writeFile(temporary, content, target());
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(path.getParent());
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        LOG.log(Level.INFO, "Keystore {0} written: alias {1}, serial {2}", path, alias,
                chain.get(0).getSerialNumber().toString(16));
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

    /** Mode, owner and group of the file to write: the current file's, else those of a new key file. */
    private Target target() throws IOException {
        if (Files.isRegularFile(path)) {
            PosixFileAttributes current = Files.readAttributes(path, PosixFileAttributes.class);
            return new Target(current.permissions(), Optional.of(current.owner()), Optional.of(current.group()));
        }
        Optional<GroupPrincipal> group = Optional.empty();
        if (options.group().isPresent()) {
            group = Optional.of(path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(options.group().get()));
        }
        return new Target(options.newKeyMode(), Optional.empty(), group);
    }

    private record Target(Set<PosixFilePermission> mode, Optional<UserPrincipal> owner,
            Optional<GroupPrincipal> group) {
    }

    /** Created owner-only, widened to the final mode only after owner and group are right. */
    private void writeFile(Path file, byte[] content, Target target) throws IOException {
        Set<PosixFilePermission> initial = EnumSet.noneOf(PosixFilePermission.class);
        initial.addAll(target.mode());
        initial.retainAll(OWNER_BITS);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(initial))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes current = view.readAttributes();
            try {
                if (target.owner().isPresent() && !target.owner().get().equals(current.owner())) {
                    view.setOwner(target.owner().get());
                }
                if (target.group().isPresent() && !target.group().get().equals(current.group())) {
                    view.setGroup(target.group().get());
                }
            } catch (FileSystemException | SecurityException e) {
                throw new IOException("cannot keep the owner and group of " + path + " (this process runs as "
                        + current.owner().getName() + "); the keystore was not changed", e);
            }
            view.setPermissions(target.mode());
            channel.force(true);
        }
    }

    private void createParent() throws IOException {
        Path folder = path.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FileOptions.DIRECTORY_MODE));
            LOG.log(Level.INFO, "created folder {0}", folder);
        }
    }

    private static void syncDirectory(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
