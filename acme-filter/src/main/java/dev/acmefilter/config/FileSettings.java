package dev.acmefilter.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How NEW certificate and key files are created: {@code acme.file_group} and
 * {@code acme.key_file_mode}. A file that already exists keeps its own owner, group and
 * mode when it is replaced.
 *
 * @param group       the group of new files (none: the process's group)
 * @param keyFileMode the mode of a new key file (none: 0600)
 */
public record FileSettings(Optional<String> group, Optional<Set<PosixFilePermission>> keyFileMode) {

    public static final FileSettings DEFAULTS = new FileSettings(Optional.empty(), Optional.empty());

    static final List<String> KEYS = List.of("file_group", "key_file_mode");

    private static final String MODE_EXPECTED = "0600 or 0640 (owner read and write, group at most read, "
            + "others nothing)";
    private static final Pattern OCTAL_MODE = Pattern.compile("(?:0o|0O)?([0-7]{3,4})");

    public FileSettings {
        Objects.requireNonNull(group, "group");
        keyFileMode = Objects.requireNonNull(keyFileMode, "keyFileMode").map(Set::copyOf);
    }

    static FileSettings parse(Section acme) {
        return new FileSettings(group(acme), keyFileMode(acme));
    }

    private static Optional<String> group(Section acme) {
        String expected = "the name of an existing group, such as the group Synapse runs as";
        String name = acme.text("file_group", "the group name is empty", expected);
        if (name == null) {
            return Optional.empty();
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw acme.valueError("file_group", "there is no group named " + Shown.quote(name), expected);
        } catch (UnsupportedOperationException e) {
            throw acme.valueError("file_group", "this system does not support file groups",
                    "no acme.file_group on this system");
        } catch (IOException e) {
            throw new ConfigException(acme.error("file_group", "the group " + Shown.quote(name)
                    + " cannot be looked up (" + e + "); expected " + expected).getMessage(), e);
        }
        return Optional.of(name);
    }

    /**
     * The mode comes as a YAML 1.1 integer ({@code 0640} is already the octal 416) or as a
     * string of octal digits ({@code "0640"}, {@code "640"}). A private key may only be
     * readable by its owner and, optionally, the group that Synapse runs as.
     */
    private static Optional<Set<PosixFilePermission>> keyFileMode(Section acme) {
        Object value = acme.get("key_file_mode");
        if (value == null) {
            return Optional.empty();
        }
        String key = "key_file_mode";
        int mode;
        if (value instanceof Integer n) {
            if (n < 0) {
                throw acme.valueError(key, n + " is not an octal file mode", MODE_EXPECTED);
            }
            if (n > 0777) {
                // "640" without the leading zero is the decimal number 640, which is octal 1200
                throw acme.valueError(key, n + " is the decimal number " + n + " (octal " + String.format("%04o", n)
                        + "), not a file mode", MODE_EXPECTED + ", written with a leading zero or in quotes");
            }
            mode = n;
        } else if (value instanceof String s) {
            Matcher m = OCTAL_MODE.matcher(s.trim());
            if (!m.matches()) {
                throw acme.valueError(key, Shown.quote(s) + " is not an octal file mode", MODE_EXPECTED);
            }
            mode = Integer.parseInt(m.group(1), 8);
        } else {
            throw acme.typeError(key, MODE_EXPECTED, value);
        }
        String shown = String.format("%04o", mode);
        String problem = null;
        if (mode > 0777) {
            problem = shown + " sets the setuid, setgid or sticky bit";
        } else if ((mode & 0600) != 0600) {
            problem = shown + " does not let the owner read and write the key";
        } else if ((mode & 0100) != 0) {
            problem = shown + " makes the key executable";
        } else if ((mode & 0007) != 0) {
            problem = shown + " gives others access to the key";
        } else if ((mode & 0030) != 0) {
            problem = shown + " lets the group write or execute the key";
        }
        if (problem != null) {
            throw acme.valueError(key, problem, MODE_EXPECTED);
        }
        return Optional.of(PosixFilePermissions.fromString(rwx(mode)));
    }

    private static String rwx(int mode) {
        StringBuilder sb = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
        }
        return sb.toString();
    }
}
