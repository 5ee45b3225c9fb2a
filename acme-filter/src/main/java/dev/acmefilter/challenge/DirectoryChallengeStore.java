package dev.acmefilter.challenge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * Pending challenges as files, {@code <folder>/<token>} holding the key authorization: the
 * store through which another process (the admin command) publishes tokens that the running
 * webapp answers. Key authorizations are public by design (the CA fetches them over plain
 * HTTP), so the files are 0644 in a 0755 folder: readable by the container's user whoever
 * wrote them.
 *
 * <p>Only base64url tokens of at most {@value #MAX_TOKEN_LENGTH} characters ever become a
 * path, so nothing outside the folder is reachable. A lookup is one {@code stat} (and one
 * read when the file exists): the folder is never listed, so unknown tokens stay cheap.
 * Files are written to a dot-named temporary file and renamed, so a reader sees all of a
 * key authorization or nothing.
 */
public final class DirectoryChallengeStore implements ChallengeStore {

    /** Longest token stored; CAs send 43 characters. */
    public static final int MAX_TOKEN_LENGTH = 128;

    private final Path folder;

    public DirectoryChallengeStore(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** The folder shared by the admin command and the webapp: {@code <state_dir>/challenges}. */
    public static DirectoryChallengeStore inStateDir(Path stateDir) {
        return new DirectoryChallengeStore(stateDir.resolve("challenges"));
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void put(String token, String keyAuthorization) {
        Objects.requireNonNull(keyAuthorization, "keyAuthorization");
        Path file = fileOf(token).orElseThrow(() -> new IllegalArgumentException(
                "not an ACME token (base64url, 1 to " + MAX_TOKEN_LENGTH + " characters): " + token));
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            Path tmp = Files.createTempFile(folder, "." + token, ".tmp");
            try {
                Files.writeString(tmp, keyAuthorization, StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish the ACME challenge in " + folder + ": " + e, e);
        }
    }

    @Override
    public Optional<String> find(String token) {
        Optional<Path> file = fileOf(token);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file.get(), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed between the two calls
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the ACME challenge " + file.get() + ": " + e, e);
        }
    }

    @Override
    public void remove(String token) {
        Optional<Path> file = fileOf(token);
        if (file.isPresent()) {
            try {
                Files.deleteIfExists(file.get());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the ACME challenge " + file.get() + ": " + e, e);
            }
        }
    }

    private Optional<Path> fileOf(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return Optional.empty();
            }
        }
        return Optional.of(folder.resolve(token));
    }
}
