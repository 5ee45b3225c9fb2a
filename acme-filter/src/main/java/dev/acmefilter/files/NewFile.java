package dev.acmefilter.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file that this process has just created, and writes only through the channel that
 * created it: the one safe way to write into a folder that another user can change.
 *
 * <ol>
 *   <li>Created with {@code O_CREAT|O_EXCL} ({@code CREATE_NEW}): nothing that is there (a file,
 *       a symbolic link) is ever opened instead. Created owner-only when its owner or group is
 *       still to change, else with its final mode; the umask can only narrow that.</li>
 *   <li>Locked (an exclusive OS file lock on the creating channel, held until {@link #close}):
 *       the mark by which {@link AtomicFile#removeLeftovers} tells a file being written from one
 *       that a crash left behind, and the anchor of the identity check below.</li>
 *   <li>Given its owner, group and exact mode, before its first byte, without following a
 *       link: Java cannot {@code fchown}/{@code fchmod} a channel, so this goes by name with
 *       {@code NOFOLLOW_LINKS} (an {@code O_NOFOLLOW} open, then {@code fchown}/{@code fchmod}),
 *       and only while the name is still ours: before and after, the name is opened again and
 *       must be the file this JVM holds the lock on (else {@link UnsafeFileException}). A
 *       symbolic link swapped in fails the {@code O_NOFOLLOW} open; a hard link to a foreign
 *       file (possible only with {@code fs.protected_hardlinks=0}) fails the identity check.</li>
 *   <li>{@link #write}: the content through the creating channel, then {@code fsync}.</li>
 * </ol>
 * The caller renames or links the file into place ({@link AtomicFile} does) before closing it.
 *
 * <p>The channels opened for the identity checks stay open until {@link #close}: POSIX drops
 * all of a process's locks on a file when any of its descriptors for that file is closed.
 * Java cannot open with {@code O_NONBLOCK}, so a FIFO swapped in can stall such an open; it
 * can never redirect a write.
 */
public final class NewFile implements AutoCloseable {

    private static final Set<PosixFilePermission> OWNER_BITS = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** Files being written by this JVM, which the leftovers clean-up must not even open (see above). */
    private static final Set<Path> BEING_WRITTEN = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel channel;
    private final List<FileChannel> probes = new ArrayList<>();
    private FileLock lock;
    private boolean closed;

    private NewFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Creates {@code path}, which must not exist, with {@code attributes}.
     *
     * @throws FileAlreadyExistsException when something (even a dangling link) is at {@code path}
     * @throws UnsafeFileException when another file took its place before its attributes were set
     * @throws IOException when the owner or group cannot be given (unless they are optional),
     *         or creating fails; nothing is left at {@code path} then
     */
    public static NewFile create(Path path, FileAttributes attributes) throws IOException {
        return create(path, attributes, CreationHook.NONE);
    }

    /** Test hook: runs between the creation and the attributes, where another user would swap the file. */
    @FunctionalInterface
    interface CreationHook {
        CreationHook NONE = file -> { };

        void created(Path file) throws IOException;
    }

    static NewFile create(Path path, FileAttributes attributes, CreationHook hook) throws IOException {
        Path file = path.toAbsolutePath().normalize();
        if (!BEING_WRITTEN.add(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "this process is writing it already");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(initialMode(attributes)));
        } catch (IOException | RuntimeException e) {
            BEING_WRITTEN.remove(file);
            throw e;
        }
        NewFile created = new NewFile(file, channel);
        try {
            created.lock = channel.tryLock();
            if (created.lock == null) {
                throw UnsafeFileException.replaced(file); // only another process's open of our new file can hold one
            }
            hook.created(file);
            created.apply(attributes);
            return created;
        } catch (IOException | RuntimeException e) {
            created.abandon(e);
            throw e;
        }
    }

    /** True while a {@link NewFile} of this JVM is open at {@code path}. */
    static boolean isBeingWritten(Path path) {
        return BEING_WRITTEN.contains(path.toAbsolutePath().normalize());
    }

    public Path path() {
        return path;
    }

    /** Writes all of {@code content} through the creating channel, then syncs it to the disk. */
    public void write(byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(true);
    }

    /** Releases the file (its lock and channels). It stays on disk, wherever the caller moved it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (FileChannel open : allChannels()) {
            try {
                open.close(); // closing the creating channel releases the lock
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        BEING_WRITTEN.remove(path);
        if (failure != null) {
            throw failure;
        }
    }

    private List<FileChannel> allChannels() {
        List<FileChannel> all = new ArrayList<>();
        all.add(channel);
        all.addAll(probes);
        return all;
    }

    /** Closes and deletes what {@link #create} made, adding any further failure to {@code cause}. */
    private void abandon(Exception cause) {
        try {
            close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        try {
            Files.deleteIfExists(path); // by name: if another user swapped it, their file goes, never a link's target
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static Set<PosixFilePermission> initialMode(FileAttributes attributes) {
        if (attributes.owner().isEmpty() && attributes.group().isEmpty()) {
            return attributes.mode();
        }
        Set<PosixFilePermission> ownerOnly = EnumSet.noneOf(PosixFilePermission.class);
        ownerOnly.addAll(attributes.mode());
        ownerOnly.retainAll(OWNER_BITS);
        return ownerOnly;
    }

    private void apply(FileAttributes attributes) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("not a POSIX file system: " + path);
        }
        verifyStillOurs();
        PosixFileAttributes current = view.readAttributes();
        boolean owner = attributes.owner().isPresent() && !attributes.owner().get().equals(current.owner());
        boolean group = attributes.group().isPresent() && !attributes.group().get().equals(current.group());
        boolean mode = !attributes.mode().equals(current.permissions());
        if (!owner && !group && !mode) {
            return;
        }
        if (owner) {
            change(attributes, () -> view.setOwner(attributes.owner().get()), "the owner "
                    + attributes.owner().get().getName() + " (this process runs as " + current.owner().getName()
                    + "; only root can change a file's owner)");
        }
        if (group) {
            change(attributes, () -> view.setGroup(attributes.group().get()), "the group "
                    + attributes.group().get().getName() + " (the process must be root or a member of it)");
        }
        view.setPermissions(attributes.mode());
        verifyStillOurs();
    }

    /** A change of owner or group, which the file system may refuse. */
    private interface OwnershipChange {
        void apply() throws IOException;
    }

    /**
     * Applies {@code change}; when the file system refuses it, fails naming {@code what}, unless
     * {@link FileAttributes#ownerOptional()} says the file may keep the owner it was created with.
     */
    private void change(FileAttributes attributes, OwnershipChange change, String what) throws IOException {
        try {
            change.apply();
        } catch (FileSystemException | SecurityException e) {
            if (!attributes.ownerOptional()) {
                throw new IOException("cannot give " + path + " " + what, e);
            }
        }
    }

    /**
     * Opens {@link #path} again (never through a link) and checks that it is the file whose
     * lock this JVM holds: only then does an {@link OverlappingFileLockException} come.
     *
     * @throws UnsafeFileException when another file is at the path now
     */
    void verifyStillOurs() throws IOException {
        FileChannel probe;
        try {
            probe = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw withCause(UnsafeFileException.replaced(path), e);
        }
        probes.add(probe);
        FileLock other;
        try {
            other = probe.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException ours) {
            return;
        }
        if (other != null) {
            other.release();
        }
        throw UnsafeFileException.replaced(path);
    }

    private static UnsafeFileException withCause(UnsafeFileException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
