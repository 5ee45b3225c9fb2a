package dev.acmefilter.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's effective user and group ids, from {@code /proc/self/status} (Java has no
 * API for them; {@code user.name} is the real user's name, which differs under setuid).
 *
 * @param uid the effective user id (0: root)
 * @param gid the effective group id
 */
record ProcessUser(int uid, int gid) {

    static ProcessUser current() {
        int uid = -1;
        int gid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = effective(line);
                } else if (line.startsWith("Gid:")) {
                    gid = effective(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the owner of a file just created is who we are
        }
        if (uid < 0 || gid < 0) {
            return fromNewFile();
        }
        return new ProcessUser(uid, gid);
    }

    /** {@code Uid:\treal\teffective\tsaved\tfs}: the second number. */
    private static int effective(String line) {
        return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
    }

    private static ProcessUser fromNewFile() {
        try {
            Path probe = Files.createTempFile("acme-whoami", "");
            try {
                return new ProcessUser((Integer) Files.getAttribute(probe, "unix:uid"),
                        (Integer) Files.getAttribute(probe, "unix:gid"));
            } finally {
                Files.delete(probe);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot tell which user this process runs as: " + e.getMessage(), e);
        }
    }
}
