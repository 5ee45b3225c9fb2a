package dev.acmefilter.files;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes a whole file so that a reader, or the next start after a crash (kill -9, power
 * loss), finds the old content or the new, never part of one, and so that another user who
 * can write the folder can never make this process write, chmod or chown any other file.
 * Every file the project writes goes through here or through {@link NewFile} (the
 * certificate pair writer, whose journal needs fixed names, uses that directly).
 *
 * <h2>Protocol of {@link #replace} and {@link #createNew}</h2>
 * <ol>
 *   <li>The target, if there, must be a regular file: a symbolic link is an error naming it,
 *       never followed nor replaced.</li>
 *   <li>Temporary files that an earlier crash left beside the target are removed
 *       ({@link #removeLeftovers}).</li>
 *   <li>A temporary file {@code .<name>.<16 hex digits>.tmp} is created beside the target by
 *       {@link NewFile}: exclusively, locked, with its final owner, group and mode before its
 *       first byte, never through a link.</li>
 *   <li>The content is written through the channel that created it, then fsync'ed.</li>
 *   <li>Still the file this process created (checked as {@link NewFile} does), it is renamed
 *       over the target ({@code rename(2)}, atomic), or for {@link #createNew} hard-linked to
 *       it ({@code link(2)} fails when the target exists) and then removed.</li>
 *   <li>The folder is fsync'ed, so the rename itself survives a power loss.</li>
 * </ol>
 * A failure before the rename removes the temporary file and leaves the target as it was. A
 * crash leaves at most the temporary file, which holds nothing the target did not or would
 * not hold, and which the next write of that target removes.
 *
 * <p>Requires a POSIX file system. One process should write a given target at a time (the
 * callers hold the certificate's {@code LockFile}); two that do still each write a whole file.
 */
public final class AtomicFile {

    private static final System.Logger LOG = System.getLogger(AtomicFile.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final AtomicFile PLAIN = new AtomicFile(StepListener.NONE);

    /** Every point between two file-system operations of a write, in order. */
    enum Step {
        LEFTOVERS_REMOVED,
        TEMPORARY_CREATED,
        TEMPORARY_WRITTEN,
        /** The commit point: from here on the target holds the new content. */
        PLACED,
        FOLDER_SYNCED
    }

    /** Test hook: told about every {@link Step}; throwing simulates an I/O error or (with an Error) a crash. */
    @FunctionalInterface
    interface StepListener {
        StepListener NONE = (step, temporary) -> { };

        void reached(Step step, Path temporary) throws IOException;
    }

    private final StepListener listener;

    AtomicFile(StepListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Replaces (or creates) {@code target} with {@code content}.
     *
     * @param attributes the owner, group and mode of the new file; pass the old file's
     *                   ({@link FileAttributes#read}) to keep them
     * @throws UnsafeFileException when the target is a symbolic link or not a regular file, or
     *         the temporary file was swapped
     * @throws IOException when writing fails; the target is then unchanged
     */
    public static void replace(Path target, byte[] content, FileAttributes attributes) throws IOException {
        PLAIN.write(target, content, attributes, true);
    }

    /**
     * Creates {@code target} with {@code content}; never replaces anything.
     *
     * @throws java.nio.file.FileAlreadyExistsException when something is at {@code target} already
     */
    public static void createNew(Path target, byte[] content, FileAttributes attributes) throws IOException {
        PLAIN.write(target, content, attributes, false);
    }

    void write(Path target, byte[] content, FileAttributes attributes, boolean replace) throws IOException {
        Path file = target.toAbsolutePath().normalize();
        Path folder = Objects.requireNonNull(file.getParent(), "target has no folder");
        if (replace) {
            FileAttributes.read(file); // refuses a link or a non-file
        }
        removeLeftovers(file);
        listener.reached(Step.LEFTOVERS_REMOVED, null);
        Path temporary = temporaryFor(file);
        boolean placed = false;
        try (NewFile created = NewFile.create(temporary, attributes)) {
            listener.reached(Step.TEMPORARY_CREATED, temporary);
            created.write(content);
            listener.reached(Step.TEMPORARY_WRITTEN, temporary);
            created.verifyStillOurs(); // never rename into place a file that another user put there
            if (replace) {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                placed = true;
            } else {
                Files.createLink(file, temporary);
                placed = true;
                removeLinkedTemporary(temporary);
            }
            listener.reached(Step.PLACED, temporary);
        } catch (IOException | RuntimeException e) {
            if (!placed) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        Folders.sync(folder);
        listener.reached(Step.FOLDER_SYNCED, temporary);
    }

    /** After {@link #createNew}'s link: the file is in place, so a temporary name that stays is only a leftover. */
    private static void removeLinkedTemporary(Path temporary) {
        try {
            Files.delete(temporary);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove {0} (the next write beside it will): {1}", temporary, e.toString());
        }
    }

    /** A fresh temporary name beside {@code target}: {@code .<name>.<16 hex digits>.tmp}. */
    static Path temporaryFor(Path target) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return target.resolveSibling("." + target.getFileName() + "." + HexFormat.of().formatHex(random)
                + TEMPORARY_SUFFIX);
    }

    /** Whether {@code candidate} is named like a temporary file of {@code target}. */
    static boolean isTemporaryOf(Path target, Path candidate) {
        return Pattern.matches("\\." + Pattern.quote(target.getFileName().toString()) + "\\.[0-9a-f]{16}"
                + Pattern.quote(TEMPORARY_SUFFIX), candidate.getFileName().toString());
    }

    /**
     * Removes the temporary files of {@code target} that a crash left behind, and returns them.
     * A temporary file still locked, by this process or another, is being written and stays;
     * a link of that name is only unlinked; anything else of that name (a FIFO, a folder) is
     * left alone. Best effort: a file that cannot be removed is logged and kept.
     */
    public static List<Path> removeLeftovers(Path target) {
        Path file = target.toAbsolutePath().normalize();
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(file.getParent(),
                p -> isTemporaryOf(file, p))) {
            entries.forEach(candidates::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot look for temporary files left beside {0}: {1}", file, e.toString());
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        for (Path candidate : candidates) {
            try {
                if (removeIfLeftover(candidate)) {
                    removed.add(candidate);
                    LOG.log(Level.INFO, "removed {0}, left by an interrupted write of {1}", candidate, file);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot remove {0}, left by an interrupted write: {1}", candidate, e.toString());
            }
        }
        return removed;
    }

    private static boolean removeIfLeftover(Path candidate) throws IOException {
        if (NewFile.isBeingWritten(candidate)) {
            return false; // this JVM writes it; opening it here and closing again would drop its lock
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (attributes.isSymbolicLink()) {
            return Files.deleteIfExists(candidate); // removes the link, never what it points to
        }
        if (!attributes.isRegularFile()) {
            return false;
        }
        try (FileChannel probe = FileChannel.open(candidate, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock free = probe.tryLock(0, Long.MAX_VALUE, true);
            if (free == null) {
                return false; // another process is writing it
            }
            return Files.deleteIfExists(candidate);
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
