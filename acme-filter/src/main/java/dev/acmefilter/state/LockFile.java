package dev.acmefilter.state;

import dev.acmefilter.files.RegularFile;
import dev.acmefilter.files.UnsafeFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lock shared by every process that works on the same files: the webapp's renewal loop
 * and the admin command, so that they never run two orders for one certificate, nor a key
 * rollover at the same time as its recovery. An OS file lock ({@link FileChannel#lock}) on a
 * small file that is never deleted (deleting a lock file lets two holders lock two different
 * files); the OS releases it when its process dies, so a crash never leaves it stuck.
 *
 * <p>Inside one JVM a semaphore per file comes first: POSIX drops all of a process's locks on
 * a file when <em>any</em> of its descriptors for that file is closed, so only one channel
 * per file may be open at a time. The holder writes what it does into the file, which the
 * message of a waiter that gives up quotes.
 *
 * <p>The state folder may be writable by another user, so the lock file is opened without
 * following a link, and written only once it is known to be a regular file of this process's
 * user (or, for root, of the folder's owner, who could replace it anyway) and the very file
 * this process locked. A link, a folder or another user's file in its place is an error that
 * names it, and is left as it is.
 */
public final class LockFile {

    private static final ConcurrentMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 100;

    private final Path file;

    public LockFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    /** The lock of the certificate at {@code certificate}, in {@code folder} (the state dir). */
    public static LockFile forCertificate(Path folder, Path certificate) {
        return of(folder, "default", certificate);
    }

    /** The lock of one certificate, named like its {@link StateFile#of state file}. */
    public static LockFile of(Path folder, String certificateId, Path certificate) {
        return new LockFile(folder.resolve(StateFile.fileName("acme-lock", certificateId, certificate, ".lock")));
    }

    public Path path() {
        return file;
    }

    /**
     * Waits until the lock is free, up to {@code timeout}, then holds it until the returned
     * handle is closed.
     *
     * @param holder what the caller is about to do, e.g. "admin command: renew" (written into the file)
     * @throws TimeoutException when another holder kept it for longer; the message names the
     *         file and that holder
     * @throws IOException when the lock file cannot be created or locked
     */
    public Held acquire(Duration timeout, String holder) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore local = IN_THIS_JVM.computeIfAbsent(file, f -> new Semaphore(1, true));
        if (!local.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("the lock " + file + " was held by another task of this process for more than "
                    + describe(timeout));
        }
        FileChannel channel = null;
        FileChannel probe = null;
        try {
            channel = open();
            checkOwner();
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // not expected behind the semaphore; treated as held
                }
                if (lock != null) {
                    probe = verifySameFile();
                    checkOwner();
                    record(channel, holder);
                    return new Held(channel, probe, lock, local);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new TimeoutException("the lock " + file + " was held for more than " + describe(timeout)
                            + " by " + currentHolder(channel));
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            if (probe != null) {
                probe.close();
            }
            local.release();
            throw e;
        }
    }

    private FileChannel open() throws IOException {
        Files.createDirectories(file.getParent());
        try {
            return FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) { // ELOOP comes as a bare IOException
            throw unsafe(e);
        }
    }

    /** The reason a lock file cannot be opened, when it is not where a lock file could be. */
    private IOException unsafe(IOException e) {
        UnsafeFileException reason = null;
        if (Files.isSymbolicLink(file)) {
            reason = UnsafeFileException.symbolicLink(file);
        } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            reason = UnsafeFileException.notRegular(file);
        }
        if (reason == null) {
            return e;
        }
        reason.initCause(e);
        return reason;
    }

    /**
     * Refuses anything but a regular file of this process's user (or, when this process is
     * root, of the folder's owner): never is another user's file truncated.
     */
    private void checkOwner() throws IOException {
        PosixFileAttributes attributes = RegularFile.attributes(file);
        long me = new com.sun.security.auth.module.UnixSystem().getUid();
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner == me) {
            return;
        }
        Path folder = file.getParent();
        if (me == 0 && owner == (Integer) Files.getAttribute(folder, "unix:uid")) {
            return;
        }
        String user = System.getProperty("user.name");
        throw UnsafeFileException.foreignOwner(file, attributes.owner().getName(),
                me == 0 ? user + " (this process) nor " + Files.getOwner(folder).getName() + " (the folder's owner)"
                        : user + " (this process)");
    }

    /**
     * Opens the lock file's name again, without following a link, and checks that it is the
     * file this JVM just locked ({@link OverlappingFileLockException} says so). The returned
     * channel must stay open while the lock is held: closing it would release the lock.
     */
    private FileChannel verifySameFile() throws IOException {
        FileChannel probe;
        try {
            probe = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw UnsafeFileException.replaced(file);
        } catch (IOException e) {
            throw unsafe(e);
        }
        try {
            FileLock other = probe.tryLock(0, Long.MAX_VALUE, true);
            if (other != null) {
                other.release();
            }
        } catch (OverlappingFileLockException same) {
            return probe;
        }
        probe.close();
        throw UnsafeFileException.replaced(file);
    }

    private static String describe(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    private static void record(FileChannel channel, String holder) throws IOException {
        byte[] text = ("pid " + ProcessHandle.current().pid() + ", " + holder + ", since " + Instant.now() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text), 0);
    }

    private static String currentHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(512);
            int n = channel.read(buffer, 0);
            String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    /**
     * Who holds the lock right now, as written into the file by the holder; empty when nobody
     * does. Never takes the lock, and never writes.
     */
    public Optional<String> holder() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Semaphore local = IN_THIS_JVM.computeIfAbsent(file, f -> new Semaphore(1, true));
        if (!local.tryAcquire()) {
            return Optional.of("this process");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock probe;
            try {
                probe = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                probe = null;
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
            return Optional.of(currentHolder(channel));
        } finally {
            local.release();
        }
    }

    /** A held lock; {@link #close()} releases it. */
    public static final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileChannel probe;
        private final FileLock lock;
        private final Semaphore local;
        private boolean released;

        private Held(FileChannel channel, FileChannel probe, FileLock lock, Semaphore local) {
            this.channel = channel;
            this.probe = probe;
            this.lock = lock;
            this.local = local;
        }

        /** Releases the lock; closing the channel releases it even when the release itself fails. */
        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lock.release();
            } catch (IOException e) {
                // the channel's close below releases it too
            }
            try {
                channel.close();
                probe.close();
            } catch (IOException e) {
                // nothing more to release
            } finally {
                local.release();
            }
        }
    }
}
