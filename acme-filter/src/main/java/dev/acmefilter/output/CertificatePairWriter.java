package dev.acmefilter.output;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;
import dev.acmefilter.files.NewFile;
import dev.acmefilter.files.UnsafeFileException;

/**
 * Writes a full-chain certificate PEM and its private-key PEM so that a crash (kill -9,
 * power loss) at any moment leaves, after {@link #recover()}, either the complete old pair
 * or the complete new pair on disk; never a new key with an old certificate.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>Create missing parent folders ({@code 0750}, with the configured group).</li>
 *   <li>Create {@code <key>.new} and {@code <cert>.new} with {@link NewFile} (exclusively, never
 *       through a link, with their final owner, group and mode before their first byte), write
 *       them through the channel that created them and fsync them.</li>
 *   <li>Keep the current pair as {@code <file>.<yyyyMMdd'T'HHmmss'Z'>.bak} hard links (or
 *       owner-only copies where hard links are not possible); the originals stay in place.
 *       fsync the folders.</li>
 *   <li>Write and fsync the journal {@code <cert>.journal} naming both final paths, and fsync
 *       its folder. A complete journal is the <b>commit point</b>.</li>
 *   <li>Atomically rename key.new to key, then cert.new to cert; fsync the folders.</li>
 *   <li>Delete the journal; fsync its folder.</li>
 * </ol>
 * {@link #recover()} (run at the start of every {@link #write}, and to be called at start-up):
 * with a complete journal ({@link PairJournal}) naming exactly this writer's two files, it
 * finishes the renames for whichever {@code .new} files (regular files, never links) still
 * exist and deletes the journal; otherwise (no journal, an incomplete one, or one that is too
 * large, a link or about other files: a warning) it deletes it and stray {@code .new} files.
 * Recovery is idempotent, so a crash during recovery is also safe.
 *
 * <p>Deviation from a strict "backup after commit" order: the backups are made <em>before</em>
 * the commit point, so a roll-forward after a crash always has a backup of the old pair. If
 * {@code write} fails before the commit point it removes the backups it made; after a crash
 * before the commit point a backup identical to the still-current files may be left behind.
 * After a successful write only the newest {@value #KEPT_BACKUPS} backups of each file are
 * kept, so that short-lived certificates (renewed every few days) do not fill the folder.
 *
 * <h2>Ownership and modes</h2>
 * A replaced file keeps the old file's owner, group and POSIX mode. Changing the owner needs
 * root: the owner is only changed when it differs from the process's user, and if that fails
 * (or setting a group fails) the write is abandoned before the commit point with an
 * {@link IOException} explaining why - a key silently owned by the wrong user could lock
 * Synapse out. New files get the mode and group from {@link FileOptions}.
 *
 * <p>Requires a POSIX file system. A certificate or key path that is a symbolic link (or not a
 * regular file) is an error that names it: its owner and mode are never read through the
 * link, nor is the link replaced. One writer (one process) must own a pair of paths; calls
 * on one instance are serialised.
 */
public final class CertificatePairWriter {

    private static final System.Logger LOG = System.getLogger(CertificatePairWriter.class.getName());

    static final String NEW_SUFFIX = ".new";
    static final String JOURNAL_SUFFIX = ".journal";
    /** How many backups of each file survive a successful write. */
    public static final int KEPT_BACKUPS = PairBackups.KEPT;

    /** Every point between two file-system operations of {@link #write}, in order. */
    enum Step {
        PARENTS_READY,
        KEY_NEW_CREATED,
        KEY_NEW_WRITTEN,
        CERTIFICATE_NEW_CREATED,
        CERTIFICATE_NEW_WRITTEN,
        KEY_BACKED_UP,
        CERTIFICATE_BACKED_UP,
        DIRECTORIES_SYNCED,
        JOURNAL_CREATED,
        /** The commit point: from here on, recovery rolls forward. */
        JOURNAL_WRITTEN,
        KEY_RENAMED,
        CERTIFICATE_RENAMED,
        RENAMES_SYNCED,
        JOURNAL_DELETED;

        /** True when a crash at this step must end with the new pair. */
        boolean committed() {
            return compareTo(JOURNAL_WRITTEN) >= 0;
        }
    }

    /** Test hook: told about every {@link Step}; throwing simulates an I/O error or (with an Error) a crash. */
    @FunctionalInterface
    interface StepListener {
        StepListener NONE = step -> { };

        void reached(Step step) throws IOException;
    }

    private final Path certificate;
    private final Path key;
    private final FileOptions options;
    private final Clock clock;
    private final StepListener listener;

    public CertificatePairWriter(Path certificate, Path key, FileOptions options, Clock clock) {
        this(certificate, key, options, clock, StepListener.NONE);
    }

    CertificatePairWriter(Path certificate, Path key, FileOptions options, Clock clock, StepListener listener) {
        this.certificate = checkPath(certificate, "certificate");
        this.key = checkPath(key, "key");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (this.certificate.equals(this.key)) {
            throw new IllegalArgumentException("the certificate and the key need two different files: " + certificate);
        }
    }

    /** A writer for {@code tls_certificate_path} and {@code tls_private_key_path}. */
    public static CertificatePairWriter forSettings(CertificateSettings settings, Clock clock) {
        return new CertificatePairWriter(settings.certificatePath(), settings.privateKeyPath(),
                FileOptions.from(settings), clock);
    }

    public Path certificatePath() {
        return certificate;
    }

    public Path keyPath() {
        return key;
    }

    /**
     * Replaces (or creates) the pair.
     *
     * @param chain the full chain, leaf first
     * @param privateKey the leaf certificate's private key
     * @throws IllegalArgumentException when the chain is empty or the key does not match the leaf
     * @throws IOException when writing fails; if that happens before the commit point nothing
     *                     visible has changed (apart from created parent folders), and after it
     *                     the update is finished by recovery
     */
    public synchronized void write(List<X509Certificate> chain, PrivateKey privateKey) throws IOException {
        X509Certificate leaf = KeyMatch.requireLeaf(chain, privateKey, "nothing was written");
        byte[] certificateBytes = Pem.encodeCertificates(chain);
        byte[] keyBytes = Pem.encodePrivateKey(privateKey);
        try {
            recover();
            Optional<GroupPrincipal> group = lookupGroup();
            writePair(certificateBytes, keyBytes, group);
            PairBackups.prune(key);
            PairBackups.prune(certificate);
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
        LOG.log(Level.INFO, "wrote certificate {0} and private key {1} (certificate valid until {2})",
                certificate, key, leaf.getNotAfter().toInstant());
    }

    private void writePair(byte[] certificateBytes, byte[] keyBytes, Optional<GroupPrincipal> group)
            throws IOException {
        Folders.create(key.getParent(), FileOptions.DIRECTORY_MODE, group);
        Folders.create(certificate.getParent(), FileOptions.DIRECTORY_MODE, group);
        step(Step.PARENTS_READY);

        List<Path> backups = new ArrayList<>();
        boolean committed = false;
        try {
            FileAttributes keyTarget = target(key, options.newKeyMode(), group);
            if (keyTarget.mode().contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(Level.WARNING, "the private key file {0} is readable by every user (mode {1}); keeping"
                        + " its mode as it is", key, PosixFilePermissions.toString(keyTarget.mode()));
            }
            writeNewFile(newFile(key), keyBytes, keyTarget, Step.KEY_NEW_CREATED);
            step(Step.KEY_NEW_WRITTEN);
            writeNewFile(newFile(certificate), certificateBytes,
                    target(certificate, options.newCertificateMode(), group), Step.CERTIFICATE_NEW_CREATED);
            step(Step.CERTIFICATE_NEW_WRITTEN);

            String backupSuffix = PairBackups.suffix(clock, key, certificate);
            PairBackups.keep(key, backupSuffix, backups);
            step(Step.KEY_BACKED_UP);
            PairBackups.keep(certificate, backupSuffix, backups);
            step(Step.CERTIFICATE_BACKED_UP);
            syncDirectories();
            step(Step.DIRECTORIES_SYNCED);

            writeJournal();
            committed = true;
            Folders.sync(certificate.getParent());
            step(Step.JOURNAL_WRITTEN);

            Files.move(newFile(key), key, StandardCopyOption.ATOMIC_MOVE);
            step(Step.KEY_RENAMED);
            Files.move(newFile(certificate), certificate, StandardCopyOption.ATOMIC_MOVE);
            step(Step.CERTIFICATE_RENAMED);
            syncDirectories();
            step(Step.RENAMES_SYNCED);

            Files.delete(journal());
            Folders.sync(certificate.getParent());
            step(Step.JOURNAL_DELETED);
        } catch (IOException | RuntimeException e) {
            if (!committed) {
                rollBack(backups, e);
                throw e;
            }
            // after the commit point the only way is forward
            try {
                recover();
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
                throw new IOException("the certificate update failed after its commit point; the journal "
                        + journal() + " is kept and recover() will finish the update", e);
            }
            LOG.log(Level.WARNING, "certificate update hit an error after its commit point and was finished"
                    + " by recovery: " + e);
        }
    }

    /**
     * Finishes or discards an interrupted {@link #write}. Call at start-up; {@code write} calls it too.
     * Safe to call at any time when no write is running, and idempotent.
     */
    public synchronized void recover() throws IOException {
        Path journal = journal();
        if (Files.exists(journal, LinkOption.NOFOLLOW_LINKS)) {
            Optional<List<Path>> finals;
            try {
                finals = PairJournal.read(journal);
            } catch (UnsafeFileException e) {
                LOG.log(Level.WARNING, "discarding the certificate update journal: {0}", e.getMessage());
                finals = Optional.of(List.of());
            }
            if (finals.isPresent() && finals.get().equals(List.of(key, certificate))) {
                rollForward(journal);
                return;
            }
            if (finals.isEmpty()) {
                LOG.log(Level.WARNING, "discarding an unfinished certificate update (incomplete journal {0})", journal);
            } else if (!finals.get().isEmpty()) {
                LOG.log(Level.WARNING, "discarding the certificate update journal {0}: it names {1}, not this"
                        + " writer''s files {2}; nothing it names was renamed", journal, finals.get(),
                        List.of(key, certificate));
            }
            Files.deleteIfExists(newFile(key));
            Files.deleteIfExists(newFile(certificate));
            Files.delete(journal);
            syncDirectories();
            return;
        }
        boolean removedKey = Files.deleteIfExists(newFile(key));
        boolean removedCertificate = Files.deleteIfExists(newFile(certificate));
        if (removedKey || removedCertificate) {
            LOG.log(Level.INFO, "removed leftovers of an unfinished certificate update next to {0}", certificate);
            syncDirectories();
        }
    }

    private void rollForward(Path journal) throws IOException {
        for (Path target : List.of(key, certificate)) {
            Path pending = newFile(target);
            if (Files.isRegularFile(pending, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
            } else if (Files.deleteIfExists(pending)) {
                LOG.log(Level.WARNING, "removed {0}: not a regular file, so not a file this writer made", pending);
            }
        }
        syncDirectories();
        Files.delete(journal);
        Folders.sync(journal.getParent());
        LOG.log(Level.INFO, "finished an interrupted certificate update of {0}", certificate);
    }

    /**
     * Removes the backups ({@code <key>.<stamp>.bak}) that hold the private key of
     * {@code revoked}: after a revocation for key compromise no copy of that key should stay
     * where a restore could bring it back. Backups of other keys, and the certificate's
     * backups, stay.
     *
     * @return the backups removed, oldest first
     */
    public synchronized List<Path> removeKeyBackups(X509Certificate revoked) throws IOException {
        return PairBackups.removeKeyBackups(key, revoked);
    }

    // ---- steps ---------------------------------------------------------------------------

    private void step(Step step) throws IOException {
        listener.reached(step);
    }

    /**
     * The attributes the new file at {@code path} must get: the old file's (read without
     * following a link: a link is an error naming it), or those for a new file.
     */
    private static FileAttributes target(Path path, Set<PosixFilePermission> newMode,
            Optional<GroupPrincipal> newGroup) throws IOException {
        Optional<FileAttributes> old = FileAttributes.read(path);
        return old.isPresent() ? old.get() : FileAttributes.of(newMode).withGroup(newGroup);
    }

    private void writeNewFile(Path file, byte[] content, FileAttributes target, Step created) throws IOException {
        try (NewFile written = NewFile.create(file, target)) {
            step(created);
            written.write(content);
        }
    }

    private void writeJournal() throws IOException {
        try (NewFile journal = NewFile.create(journal(), FileAttributes.OWNER_ONLY)) {
            step(Step.JOURNAL_CREATED);
            journal.write(PairJournal.text(key, certificate));
        }
    }

    private void rollBack(List<Path> backups, Exception cause) {
        List<Path> leftovers = new ArrayList<>(List.of(newFile(key), newFile(certificate), journal()));
        leftovers.addAll(backups);
        for (Path leftover : leftovers) {
            try {
                Files.deleteIfExists(leftover);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private Optional<GroupPrincipal> lookupGroup() throws IOException {
        if (options.group().isEmpty()) {
            return Optional.empty();
        }
        String name = options.group().get();
        try {
            return Optional.of(certificate.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(name));
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("the group '" + name + "' (acme.file_group) does not exist", e);
        }
    }

    private void syncDirectories() throws IOException {
        Folders.sync(key.getParent());
        if (!certificate.getParent().equals(key.getParent())) {
            Folders.sync(certificate.getParent());
        }
    }

    // ---- names ----------------------------------------------------------------------------

    Path journal() {
        return sibling(certificate, JOURNAL_SUFFIX);
    }

    static Path newFile(Path target) {
        return sibling(target, NEW_SUFFIX);
    }

    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private static Path checkPath(Path path, String what) {
        Objects.requireNonNull(path, what);
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.getParent() == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("not a file path for the " + what + ": " + path);
        }
        if (absolute.toString().indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the " + what + " path contains a line break");
        }
        return absolute;
    }
}
