package dev.acmefilter.files;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Folders for the files we write: created with an exact mode and group, and synced so that a rename survives a power loss. */
public final class Folders {

    /**
     * {@code 0755}: a folder that every user may enter and list, such as the state folder and
     * its {@code challenges/}, which the webapp's user must read whoever created them.
     */
    public static final Set<PosixFilePermission> OPEN_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private static final System.Logger LOG = System.getLogger(Folders.class.getName());

    private Folders() {
    }

    /**
     * Creates {@code folder} and any missing parents with {@code mode} (exactly, whatever the
     * umask) and {@code group} (when given), each synced into its parent. Existing folders,
     * and links to folders, are used as they are.
     */
    public static void create(Path folder, Set<PosixFilePermission> mode, Optional<GroupPrincipal> group)
            throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = folder.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, PosixFilePermissions.asFileAttribute(mode));
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) {
                    continue; // created meanwhile
                }
                throw e;
            }
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (group.isPresent()) {
                view.setGroup(group.get());
            }
            view.setPermissions(mode);
            LOG.log(Level.INFO, "created folder {0}", p);
            if (p.getParent() != null) {
                sync(p.getParent());
            }
        }
    }

    /** Flushes {@code folder}'s entries (names created, renamed or removed in it) to the disk. */
    public static void sync(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
