package dev.acmefilter.safety;

import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tells whether another user or group can change the files and folders that this process
 * writes or takes its orders from: the config file(s), the state folder and its challenge
 * folder, the account key's folder and the folders of every certificate, key and keystore.
 *
 * <p>Why it matters: a process that writes as root into a folder someone else can write can
 * be made to overwrite any file (the other user swaps a file for a symbolic link, or edits the
 * config to point a certificate path at {@code /etc/shadow}). The README's Tomcat set-up gives
 * the container's user write access to {@code /etc/matrix-synapse}, so the admin command run
 * as root there is exactly that case; certbot and CertMagic treat their storage as hostile in
 * the same way. The admin command therefore refuses to run as root when this finds anything
 * ({@link #refuseForRoot}), and the webapp logs what it finds at start.
 *
 * <p>Every path is walked from {@code /} down, judging each part as it is on disk, without
 * following symbolic links ({@code lstat}): a link is judged by its own owner and then its
 * target is walked the same way. A part counts as shared when it belongs to a user other than
 * root and this process's user, or when its group (other than root's, or this process's own
 * group when not root) or every user may write it. A folder with the sticky bit
 * ({@code /tmp}) shares only what does not exist yet below it: others cannot replace an
 * entry they do not own, but they can create a missing one first.
 */
public final class SharedFolderCheck {

    /** The option that lets the admin command run as root anyway. */
    public static final String ALLOW_OPTION = "--allow-shared-folders";

    private static final System.Logger LOG = System.getLogger(SharedFolderCheck.class.getName());
    private static final int MAX_LINKS = 40;
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int TYPE_MASK = 0170000;
    private static final int DIRECTORY = 0040000;

    private final Set<Integer> trustedUsers;
    private final Set<Integer> trustedGroups;

    /**
     * @param uid this process's effective user id: its own files are not "another user's"
     * @param gid this process's effective group id, trusted unless the process is root (then
     *            only group 0 is: a group-writable folder of root's lets its members in)
     */
    public SharedFolderCheck(int uid, int gid) {
        this.trustedUsers = Set.copyOf(List.of(0, uid));
        this.trustedGroups = uid == 0 ? Set.of(0) : Set.copyOf(List.of(0, gid));
    }

    /** A check for this process's effective user and group. */
    public static SharedFolderCheck forThisProcess() {
        ProcessUser me = ProcessUser.current();
        return new SharedFolderCheck(me.uid(), me.gid());
    }

    /** What others can change among the paths {@code config} writes or reads; one entry per offending path. */
    public List<SharedPath> check(AcmeConfig config) {
        Map<Path, SharedPath> found = new LinkedHashMap<>();
        for (Path file : config.files()) {
            add(found, check(file, "config file"));
        }
        if (config.stateDir() != null) {
            add(found, check(config.stateDir(), "state folder"));
            add(found, check(DirectoryChallengeStore.inStateDir(config.stateDir()).folder(), "challenge folder"));
        }
        if (config.account().accountKeyFile() != null) {
            add(found, check(config.account().accountKeyFile().toAbsolutePath().getParent(), "account key folder"));
        }
        for (CertificateSettings c : config.certificates()) {
            String of = " of certificate " + c.id();
            add(found, check(c.certificatePath().toAbsolutePath().getParent(), "certificate folder" + of));
            add(found, check(c.privateKeyPath().toAbsolutePath().getParent(), "private key folder" + of));
            c.keystore().ifPresent(k -> add(found, check(k.path().toAbsolutePath().getParent(), "keystore folder" + of)));
            if (c.stateDir() != null && !c.stateDir().equals(config.stateDir())) {
                add(found, check(c.stateDir(), "state folder" + of));
            }
        }
        return List.copyOf(found.values());
    }

    private static void add(Map<Path, SharedPath> found, List<SharedPath> more) {
        for (SharedPath p : more) {
            found.putIfAbsent(p.offender(), p);
        }
    }

    /**
     * For the admin command: when this process is root and {@link #check} finds something,
     * refuses with a {@link ConfigException} that lists it and says how to fix it, unless
     * {@code allowed} ({@value #ALLOW_OPTION}); then each finding goes to {@code warn}.
     */
    public static void refuseForRoot(AcmeConfig config, boolean allowed, Consumer<String> warn) {
        if (ProcessUser.current().uid() != 0) {
            return;
        }
        forThisProcess().refuseAsRoot(config, allowed, warn);
    }

    /**
     * For the webapp at start: logs each finding at WARNING. Not a refusal: the container's
     * user writing its own folders is the normal case, and what is found here is what another
     * user could do to this process, not to root.
     *
     * @return the findings logged
     */
    public List<SharedPath> logFindings(AcmeConfig config) {
        List<SharedPath> shared = check(config);
        for (SharedPath p : shared) {
            LOG.log(System.Logger.Level.WARNING, "Another user can change what this process writes or reads: {0};"
                    + " let only the user this process runs as (or root) write it", p.describe());
        }
        return shared;
    }

    /** {@link #refuseForRoot} for a process known to be root; for tests. */
    void refuseAsRoot(AcmeConfig config, boolean allowed, Consumer<String> warn) {
        List<SharedPath> shared = check(config);
        if (shared.isEmpty()) {
            return;
        }
        if (allowed) {
            shared.forEach(p -> warn.accept("warning: running as root although " + p.describe() + " ("
                    + ALLOW_OPTION + ")"));
            return;
        }
        StringBuilder message = new StringBuilder("refusing to run as root: other users can change what this"
                + " command would write or read as root:");
        shared.forEach(p -> message.append("\n  ").append(p.describe()));
        message.append("\nA user who can write there could make root overwrite any file (by putting a symbolic link"
                + " in place of a file, or by editing the config). Run the command as the user that owns these"
                + " folders, e.g. sudo -u <that user> acme-admin ..., or let only root write them (chown root;"
                + " chmod g-w,o-w), or pass " + ALLOW_OPTION + " if you trust every user who can write them.");
        throw new ConfigException(message.toString());
    }

    /** What others can change on the way to {@code target} (a file or a folder); empty when nothing. */
    public List<SharedPath> check(Path target, String role) {
        Path absolute = target.toAbsolutePath();
        List<SharedPath> found = new ArrayList<>();
        try {
            walk(absolute, absolute, role, found, 0);
        } catch (IOException e) {
            found.add(new SharedPath(role, absolute, absolute, "cannot be checked: " + e.getMessage()));
        }
        return found;
    }

    private void walk(Path checked, Path path, String role, List<SharedPath> found, int links) throws IOException {
        Path current = path.getRoot();
        Map<String, Object> folder = attributes(current);
        judge(checked, current, folder, role, found, path.getNameCount() == 0);
        for (int i = 0; i < path.getNameCount(); i++) {
            String name = path.getName(i).toString();
            boolean last = i == path.getNameCount() - 1;
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                current = current.getParent() == null ? current : current.getParent();
                folder = attributes(current);
                continue;
            }
            Path next = current.resolve(name);
            Map<String, Object> entry;
            try {
                entry = attributes(next);
            } catch (NoSuchFileException e) {
                if (isStickyShared(folder)) {
                    found.add(new SharedPath(role, checked, next, "does not exist yet, and " + current
                            + " lets every user create entries in it (sticky bit): another user could create it"
                            + " first"));
                }
                return; // the rest is created by this process, in a folder judged above
            }
            if (Boolean.TRUE.equals(entry.get("isSymbolicLink"))) {
                judgeOwner(checked, next, entry, role, found);
                if (links >= MAX_LINKS) {
                    found.add(new SharedPath(role, checked, next, "is one symbolic link too many (a loop?)"));
                    return;
                }
                Path rest = current.resolve(Files.readSymbolicLink(next));
                for (int j = i + 1; j < path.getNameCount(); j++) {
                    rest = rest.resolve(path.getName(j).toString());
                }
                walk(checked, rest, role, found, links + 1);
                return;
            }
            judge(checked, next, entry, role, found, last);
            current = next;
            folder = entry;
        }
    }

    private static Map<String, Object> attributes(Path path) throws IOException {
        return Files.readAttributes(path, "unix:uid,gid,mode,isSymbolicLink,owner,group", LinkOption.NOFOLLOW_LINKS);
    }

    private void judge(Path checked, Path path, Map<String, Object> a, String role, List<SharedPath> found,
                       boolean last) {
        judgeOwner(checked, path, a, role, found);
        int mode = (Integer) a.get("mode");
        // a sticky folder on the way protects the entries below it that are not theirs (judged next)
        boolean sticky = (mode & TYPE_MASK) == DIRECTORY && (mode & STICKY) != 0 && !last;
        if (sticky) {
            return;
        }
        String octal = String.format("%04o", mode & 07777);
        if ((mode & OTHERS_WRITE) != 0) {
            found.add(new SharedPath(role, checked, path, "is writable by every user (mode " + octal + ")"));
        } else if ((mode & GROUP_WRITE) != 0 && !trustedGroups.contains((Integer) a.get("gid"))) {
            found.add(new SharedPath(role, checked, path, "is writable by group " + name(a.get("group")) + " (mode "
                    + octal + ")"));
        }
    }

    private void judgeOwner(Path checked, Path path, Map<String, Object> a, String role, List<SharedPath> found) {
        int uid = (Integer) a.get("uid");
        if (!trustedUsers.contains(uid)) {
            found.add(new SharedPath(role, checked, path, "belongs to user " + name(a.get("owner")) + " (uid " + uid
                    + ")"));
        }
    }

    private static boolean isStickyShared(Map<String, Object> folder) {
        int mode = (Integer) folder.get("mode");
        return (mode & STICKY) != 0 && (mode & (OTHERS_WRITE | GROUP_WRITE)) != 0;
    }

    private static String name(Object principal) {
        return String.valueOf(principal instanceof java.nio.file.attribute.UserPrincipal p ? p.getName() : principal);
    }
}
