package dev.acmefilter.safety;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One place on the way to a file or folder this process writes (or reads its orders from)
 * that another user or group can change.
 *
 * @param role     what the checked path is for: {@code "config file"}, {@code "state folder"}, ...
 * @param checked  the path that was checked
 * @param offender the path that others can change: {@code checked} itself or one of its parents
 *                 (or a symbolic link met on the way)
 * @param reason   why, such as {@code "is writable by group matrix-synapse (mode 0770)"}
 */
public record SharedPath(String role, Path checked, Path offender, String reason) {

    public SharedPath {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(checked, "checked");
        Objects.requireNonNull(offender, "offender");
        Objects.requireNonNull(reason, "reason");
    }

    /** One line for a log or an error: {@code /etc/x (the state folder) belongs to user jetty (uid 105)}. */
    public String describe() {
        return offender.equals(checked) ? offender + " (the " + role + ") " + reason
                : offender + " (on the way to the " + role + " " + checked + ") " + reason;
    }
}
