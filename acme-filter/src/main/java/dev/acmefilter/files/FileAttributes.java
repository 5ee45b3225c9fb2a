package dev.acmefilter.files;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The mode, owner and group a file gets when {@link NewFile} creates it.
 *
 * @param mode          the exact POSIX mode, whatever the process's umask
 * @param owner         the owner; empty: the process's user
 * @param group         the group; empty: the process's group (or the folder's, with setgid)
 * @param ownerOptional true when an owner or group this process may not give (only root may
 *                      give a file away) is skipped, leaving the file the process's own; false
 *                      when that is an error, as for a certificate key that another user must read
 */
public record FileAttributes(Set<PosixFilePermission> mode, Optional<UserPrincipal> owner,
        Optional<GroupPrincipal> group, boolean ownerOptional) {

    /** {@code 0600}: keys, state, journals. */
    public static final FileAttributes OWNER_ONLY = of("rw-------");

    public FileAttributes {
        mode = Set.copyOf(Objects.requireNonNull(mode, "mode"));
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
    }

    /** A file of the process's user and group with {@code mode}, e.g. {@code "rw-r--r--"}. */
    public static FileAttributes of(String mode) {
        return of(PosixFilePermissions.fromString(mode));
    }

    /** A file of the process's user and group with {@code mode}. */
    public static FileAttributes of(Set<PosixFilePermission> mode) {
        return new FileAttributes(mode, Optional.empty(), Optional.empty(), false);
    }

    /**
     * The attributes of the file at {@code file}, read without following a link; empty when
     * nothing is there.
     *
     * @throws UnsafeFileException when it is a symbolic link or not a regular file: a file
     *         that we replace never gets its owner or mode from wherever a link points
     */
    public static Optional<FileAttributes> read(Path file) throws IOException {
        PosixFileAttributes existing;
        try {
            existing = RegularFile.attributes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new FileAttributes(existing.permissions(), Optional.of(existing.owner()),
                Optional.of(existing.group()), false));
    }

    /** These attributes with {@code group} instead. */
    public FileAttributes withGroup(Optional<GroupPrincipal> group) {
        return new FileAttributes(mode, owner, group, ownerOptional);
    }

    /** These attributes with the owner and group of {@code other}, e.g. those of the file being replaced. */
    public FileAttributes withOwnerAndGroupOf(FileAttributes other) {
        return new FileAttributes(mode, other.owner, other.group, ownerOptional);
    }

    /** These attributes, but an owner or group this process may not give is skipped instead of failing. */
    public FileAttributes ownerIfPossible() {
        return new FileAttributes(mode, owner, group, true);
    }
}
