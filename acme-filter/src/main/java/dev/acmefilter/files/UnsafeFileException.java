package dev.acmefilter.files;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A path this project refuses to read or write as it is: a symbolic link where a file must
 * be, something that is not a regular file, a file larger than anything it could hold, or a
 * file that another user swapped while this process wrote it. Folders that other users can
 * write are treated as hostile, so each of these is an error that names the path, never a
 * reason to follow the link or to work on whatever is there now.
 */
public final class UnsafeFileException extends FileSystemException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Kind {
        SYMBOLIC_LINK,
        NOT_REGULAR,
        TOO_LARGE,
        REPLACED,
        FOREIGN_OWNER
    }

    private final Kind kind;

    private UnsafeFileException(Path file, Kind kind, String reason) {
        super(file.toString(), null, reason);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** {@code file} is a symbolic link. */
    public static UnsafeFileException symbolicLink(Path file) {
        return new UnsafeFileException(file, Kind.SYMBOLIC_LINK, "is a symbolic link, and links are never followed"
                + " here");
    }

    /** {@code file} is a folder, a FIFO, a device or a socket. */
    public static UnsafeFileException notRegular(Path file) {
        return new UnsafeFileException(file, Kind.NOT_REGULAR, "is not a regular file");
    }

    /** {@code file} holds more than {@code limit} bytes. */
    public static UnsafeFileException tooLarge(Path file, long limit) {
        return new UnsafeFileException(file, Kind.TOO_LARGE, "is larger than " + limit
                + " bytes, more than it can hold; not read");
    }

    /** {@code file}, created by this process a moment ago, is another file now. */
    public static UnsafeFileException replaced(Path file) {
        return new UnsafeFileException(file, Kind.REPLACED, "was replaced by another file while this process wrote"
                + " it (is another user writing into this folder?); nothing was written through it");
    }

    /** {@code file} belongs to a user this process does not expect there. */
    public static UnsafeFileException foreignOwner(Path file, String owner, String expected) {
        return new UnsafeFileException(file, Kind.FOREIGN_OWNER, "belongs to " + owner + ", not to " + expected
                + "; it is left as it is (remove it if it is not needed)");
    }
}
