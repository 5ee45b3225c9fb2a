package dev.acmefilter.output;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.acmefilter.config.CertificateSettings;

/**
 * How {@link CertificatePairWriter} creates NEW files and folders. A file that already
 * exists is replaced with its own owner, group and mode instead.
 *
 * @param group   group given to new files and new parent folders (none: the process's group)
 * @param keyMode mode of a new private-key file; default {@code 0600}. It may not grant
 *                anything to "others".
 */
public record FileOptions(Optional<String> group, Optional<Set<PosixFilePermission>> keyMode) {

    /** {@code 0600}: a new key file when no mode is configured. */
    public static final Set<PosixFilePermission> DEFAULT_KEY_MODE = PosixFilePermissions.fromString("rw-------");
    /** {@code 0644}: a new certificate file. */
    public static final Set<PosixFilePermission> CERTIFICATE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    /** {@code 0640}: a new certificate file when a group is configured. */
    public static final Set<PosixFilePermission> CERTIFICATE_MODE_WITH_GROUP = PosixFilePermissions.fromString("rw-r-----");
    /** {@code 0750}: a missing parent folder. */
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-x---");

    public FileOptions {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(keyMode, "keyMode");
        if (group.isPresent() && group.get().isBlank()) {
            throw new IllegalArgumentException("blank group name");
        }
        keyMode = keyMode.map(Set::copyOf);
        keyMode.ifPresent(mode -> {
            if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.OTHERS_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalArgumentException("a private key file must not be accessible to others: "
                        + PosixFilePermissions.toString(mode));
            }
        });
    }

    /** No group, key mode {@code 0600}. */
    public static FileOptions defaults() {
        return new FileOptions(Optional.empty(), Optional.empty());
    }

    /** {@code acme.file_group} and {@code acme.key_file_mode}. */
    public static FileOptions from(CertificateSettings settings) {
        return new FileOptions(settings.files().group(), settings.files().keyFileMode());
    }

    /** Mode for a new key file. */
    public Set<PosixFilePermission> newKeyMode() {
        return keyMode.orElse(DEFAULT_KEY_MODE);
    }

    /** Mode for a new certificate file: {@code 0644}, or {@code 0640} with a group. */
    public Set<PosixFilePermission> newCertificateMode() {
        return group.isPresent() ? CERTIFICATE_MODE_WITH_GROUP : CERTIFICATE_MODE;
    }
}
