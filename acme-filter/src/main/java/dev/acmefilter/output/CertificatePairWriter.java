package dev.acmefilter.output;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.acmefilter.config.CertificateSettings;

/**
 * Writes a full-chain certificate PEM and its private-key PEM so that a crash (kill -9,
 * power loss) at any moment leaves, after {@link #recover()}, either the complete old pair
 * or the complete new pair on disk; never a new key with an old certificate.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>Create missing parent folders ({@code 0750}, with the configured group).</li>
 *   <li>Write {@code <key>.new} and {@code <cert>.new} completely, with their final owner, group
 *       and mode, and fsync them. The key file is created owner-only from the start and only
 *       widened (if at all) to its final mode after its group/owner are set.</li>
 *   <li>Keep the current pair as {@code <file>.<yyyyMMdd'T'HHmmss'Z'>.bak} hard links (or
 *       owner-only copies where hard links are not possible); the originals stay in place.
 *       fsync the folders.</li>
 *   <li>Write and fsync the journal {@code <cert>.journal} naming both final paths, and fsync
 *       its folder. A complete journal is the <b>commit point</b>.</li>
 *   <li>Atomically rename key.new to key, then cert.new to cert; fsync the folders.</li>
 *   <li>Delete the journal; fsync its folder.</li>
 * </ol>
 * {@link #recover()} (run at the start of every {@link #write}, and to be called at start-up):
 * with a complete journal, it finishes the renames for whichever {@code .new} files still exist
 * and deletes the journal; without one (or with an incomplete one) it deletes stray
 * {@code .new} files. Recovery is idempotent, so a crash during recovery is also safe.
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
 * <p>Requires a POSIX file system. A path that is a symbolic link is replaced by a regular
 * file (the link's target is left alone). One writer (one process) must own a pair of paths;
 * calls on one instance are serialised.
 */
public final class CertificatePairWriter {

    private static final System.Logger LOG = System.getLogger(CertificatePairWriter.class.getName());

    static final String NEW_SUFFIX = ".new";
    static final String JOURNAL_SUFFIX = ".journal";
    static final String BACKUP_SUFFIX = ".bak";
    /** How many backups of each file survive a successful write. */
    public static final int KEPT_BACKUPS = 5;
    private static final java.util.regex.Pattern BACKUP_STAMP_PATTERN =
            java.util.regex.Pattern.compile("\\d{8}T\\d{6}Z(-\\d+)?\\.bak");
    static final DateTimeFormatter BACKUP_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final String JOURNAL_HEADER = "acme-filter certificate update journal v1";
    private static final String JOURNAL_KEY = "key=";
    private static final String JOURNAL_CERTIFICATE = "certificate=";
    private static final String JOURNAL_END = "end";
    private static final int MAX_JOURNAL_SIZE = 64 * 1024;
    private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

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
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        X509Certificate leaf = chain.get(0);
        if (!KeyMatch.matches(leaf, privateKey)) {
            throw new IllegalArgumentException("the private key does not match the certificate for "
                    + leaf.getSubjectX500Principal().getName() + "; nothing was written");
        }
        byte[] certificateBytes = Pem.encodeCertificates(chain);
        byte[] keyBytes = Pem.encodePrivateKey(privateKey);
        try {
            recover();
            Optional<GroupPrincipal> group = lookupGroup();
            writePair(certificateBytes, keyBytes, group);
            pruneBackups(key);
            pruneBackups(certificate);
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
        LOG.log(Level.INFO, "wrote certificate {0} and private key {1} (certificate valid until {2})",
                certificate, key, leaf.getNotAfter().toInstant());
    }

    private void writePair(byte[] certificateBytes, byte[] keyBytes, Optional<GroupPrincipal> group)
            throws IOException {
        createParents(key.getParent(), group);
        createParents(certificate.getParent(), group);
        step(Step.PARENTS_READY);

        List<Path> backups = new ArrayList<>();
        boolean committed = false;
        try {
            Target keyTarget = target(key, options.newKeyMode(), group);
            if (keyTarget.mode().contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(Level.WARNING, "the private key file {0} is readable by every user (mode {1}); keeping"
                        + " its mode as it is", key, PosixFilePermissions.toString(keyTarget.mode()));
            }
            writeNewFile(newFile(key), keyBytes, keyTarget, Step.KEY_NEW_CREATED);
            step(Step.KEY_NEW_WRITTEN);
            writeNewFile(newFile(certificate), certificateBytes,
                    target(certificate, options.newCertificateMode(), group), Step.CERTIFICATE_NEW_CREATED);
            step(Step.CERTIFICATE_NEW_WRITTEN);

            String backupSuffix = backupSuffix();
            backup(key, backupSuffix, backups);
            step(Step.KEY_BACKED_UP);
            backup(certificate, backupSuffix, backups);
            step(Step.CERTIFICATE_BACKED_UP);
            syncDirectories();
            step(Step.DIRECTORIES_SYNCED);

            writeJournal();
            committed = true;
            syncDirectory(certificate.getParent());
            step(Step.JOURNAL_WRITTEN);

            Files.move(newFile(key), key, StandardCopyOption.ATOMIC_MOVE);
            step(Step.KEY_RENAMED);
            Files.move(newFile(certificate), certificate, StandardCopyOption.ATOMIC_MOVE);
            step(Step.CERTIFICATE_RENAMED);
            syncDirectories();
            step(Step.RENAMES_SYNCED);

            Files.delete(journal());
            syncDirectory(certificate.getParent());
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
            Optional<List<Path>> finals = readJournal(journal);
            if (finals.isPresent()) {
                rollForward(finals.get(), journal);
                return;
            }
            LOG.log(Level.WARNING, "discarding an unfinished certificate update (incomplete journal {0})", journal);
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

    private void rollForward(List<Path> finals, Path journal) throws IOException {
        Set<Path> folders = new LinkedHashSet<>();
        for (Path target : finals) {
            Path pending = newFile(target);
            if (Files.exists(pending, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
            }
            folders.add(target.getParent());
        }
        for (Path folder : folders) {
            syncDirectory(folder);
        }
        Files.delete(journal);
        syncDirectory(journal.getParent());
        if (!finals.contains(key)) {
            LOG.log(Level.WARNING, "the interrupted update was for the key file {0}, not {1}", finals, key);
        }
        LOG.log(Level.INFO, "finished an interrupted certificate update of {0}", certificate);
    }

    // ---- steps ---------------------------------------------------------------------------

    private void step(Step step) throws IOException {
        listener.reached(step);
    }

    private record Target(Set<PosixFilePermission> mode, Optional<UserPrincipal> owner,
            Optional<GroupPrincipal> group) {
    }

    /** The attributes the new file at {@code path} must get: the old file's, or those for a new file. */
    private static Target target(Path path, Set<PosixFilePermission> newMode, Optional<GroupPrincipal> newGroup)
            throws IOException {
        if (Files.exists(path)) {
            PosixFileAttributes old = Files.readAttributes(path, PosixFileAttributes.class);
            return new Target(old.permissions(), Optional.of(old.owner()), Optional.of(old.group()));
        }
        return new Target(newMode, Optional.empty(), newGroup);
    }

    private void writeNewFile(Path file, byte[] content, Target target, Step created) throws IOException {
        Set<PosixFilePermission> initial = EnumSet.noneOf(PosixFilePermission.class);
        initial.addAll(target.mode());
        initial.retainAll(OWNER_BITS);
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(initial))) {
            step(created);
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            applyAttributes(file, target);
            channel.force(true);
        }
    }

    private static void applyAttributes(Path file, Target target) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("not a POSIX file system: " + file);
        }
        PosixFileAttributes current = view.readAttributes();
        if (target.owner().isPresent() && !target.owner().get().equals(current.owner())) {
            try {
                view.setOwner(target.owner().get());
            } catch (FileSystemException | SecurityException e) {
                throw new IOException("cannot keep the owner " + target.owner().get().getName() + " of "
                        + withoutSuffix(file) + " (this process runs as " + current.owner().getName()
                        + "; only root can change a file's owner); nothing was changed", e);
            }
        }
        if (target.group().isPresent() && !target.group().get().equals(current.group())) {
            try {
                view.setGroup(target.group().get());
            } catch (FileSystemException | SecurityException e) {
                throw new IOException("cannot give " + withoutSuffix(file) + " the group "
                        + target.group().get().getName() + " (the process must be root or a member of it)"
                        + "; nothing was changed", e);
            }
        }
        view.setPermissions(target.mode());
    }

    private static Path withoutSuffix(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(NEW_SUFFIX)
                ? file.resolveSibling(name.substring(0, name.length() - NEW_SUFFIX.length()))
                : file;
    }

    private String backupSuffix() {
        String stamp = BACKUP_STAMP.format(clock.instant());
        for (int n = 1; ; n++) {
            String suffix = "." + stamp + (n == 1 ? "" : "-" + n) + BACKUP_SUFFIX;
            if (!Files.exists(sibling(key, suffix), LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(sibling(certificate, suffix), LinkOption.NOFOLLOW_LINKS)) {
                return suffix;
            }
        }
    }

    /** Deletes all but the newest {@link #KEPT_BACKUPS} backups of {@code original}; best effort. */
    private static void pruneBackups(Path original) {
        String prefix = original.getFileName().toString() + ".";
        List<Path> backups;
        try (var files = Files.list(original.getParent())) {
            backups = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(prefix)
                        && BACKUP_STAMP_PATTERN.matcher(name.substring(prefix.length())).matches();
            }).sorted().toList();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list old backups of {0}: {1}", original, e.toString());
            return;
        }
        for (int i = 0; i < backups.size() - KEPT_BACKUPS; i++) {
            try {
                Files.deleteIfExists(backups.get(i));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete the old backup {0}: {1}", backups.get(i), e.toString());
            }
        }
    }

    /** Keeps the current file (if any) as a hard link, or else an owner-only copy with the same attributes. */
    private static void backup(Path original, String suffix, List<Path> made) throws IOException {
        if (!Files.exists(original)) {
            return;
        }
        Path backup = sibling(original, suffix);
        try {
            Files.createLink(backup, original.toRealPath());
            made.add(backup);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            LOG.log(Level.DEBUG, "no hard link for the backup of {0} ({1}); copying", original, e.toString());
        }
        PosixFileAttributes attributes = Files.readAttributes(original, PosixFileAttributes.class);
        Set<PosixFilePermission> initial = EnumSet.noneOf(PosixFilePermission.class);
        initial.addAll(attributes.permissions());
        initial.retainAll(OWNER_BITS);
        byte[] content = Files.readAllBytes(original);
        try (FileChannel channel = FileChannel.open(backup,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(initial))) {
            made.add(backup);
            channel.write(ByteBuffer.wrap(content));
            applyAttributes(backup, new Target(attributes.permissions(), Optional.of(attributes.owner()),
                    Optional.of(attributes.group())));
            channel.force(true);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private void writeJournal() throws IOException {
        String text = JOURNAL_HEADER + "\n" + JOURNAL_KEY + key + "\n" + JOURNAL_CERTIFICATE + certificate + "\n"
                + JOURNAL_END + "\n";
        try (FileChannel channel = FileChannel.open(journal(),
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FileOptions.DEFAULT_KEY_MODE))) {
            step(Step.JOURNAL_CREATED);
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** The final paths named by a complete journal (key first), or empty when the journal is incomplete. */
    private static Optional<List<Path>> readJournal(Path journal) throws IOException {
        if (Files.size(journal) > MAX_JOURNAL_SIZE) {
            return Optional.empty();
        }
        List<String> lines = List.of(new String(Files.readAllBytes(journal), StandardCharsets.UTF_8).split("\n"));
        if (lines.size() != 4 || !lines.get(0).equals(JOURNAL_HEADER) || !lines.get(1).startsWith(JOURNAL_KEY)
                || !lines.get(2).startsWith(JOURNAL_CERTIFICATE) || !lines.get(3).equals(JOURNAL_END)) {
            return Optional.empty();
        }
        try {
            Path key = Path.of(lines.get(1).substring(JOURNAL_KEY.length()));
            Path certificate = Path.of(lines.get(2).substring(JOURNAL_CERTIFICATE.length()));
            // this writer writes absolute paths of files in a folder: anything else is not its journal
            // (a NUL byte, a bare name without a folder: found by the journal fuzz test)
            if (!key.isAbsolute() || key.getParent() == null || !certificate.isAbsolute()
                    || certificate.getParent() == null) {
                return Optional.empty();
            }
            return Optional.of(List.of(key, certificate));
        } catch (InvalidPathException e) {
            return Optional.empty();
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

    private static void createParents(Path folder, Optional<GroupPrincipal> group) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = folder; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(FileOptions.DIRECTORY_MODE));
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) {
                    continue; // created meanwhile
                }
                throw e;
            }
            if (group.isPresent()) {
                Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group.get());
            }
            Files.setPosixFilePermissions(p, FileOptions.DIRECTORY_MODE); // exact, whatever the umask
            LOG.log(Level.INFO, "created folder {0}", p);
            if (p.getParent() != null) {
                syncDirectory(p.getParent());
            }
        }
    }

    private void syncDirectories() throws IOException {
        syncDirectory(key.getParent());
        if (!certificate.getParent().equals(key.getParent())) {
            syncDirectory(certificate.getParent());
        }
    }

    private static void syncDirectory(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    // ---- names ----------------------------------------------------------------------------

    Path journal() {
        return sibling(certificate, JOURNAL_SUFFIX);
    }

    static Path newFile(Path target) {
        return sibling(target, NEW_SUFFIX);
    }

    private static Path sibling(Path file, String suffix) {
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
