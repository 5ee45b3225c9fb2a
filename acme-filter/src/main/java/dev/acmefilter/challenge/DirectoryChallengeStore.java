package dev.acmefilter.challenge;

import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;
import dev.acmefilter.files.RegularFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Pending challenges as files, {@code <folder>/<token>} holding the key authorization: the
 * store through which another process (the admin command) publishes tokens that the running
 * webapp answers. Key authorizations are public by design (the CA fetches them over plain
 * HTTP), so the files are 0644 in a 0755 folder: readable by the container's user whoever
 * wrote them.
 *
 * <p>The folder is treated as hostile (another user may write it): only tokens of
 * {@link AcmeToken}'s syntax ever become a path, so nothing outside the folder is reachable;
 * a file is read without following a link and only up to {@value #MAX_FILE_SIZE} bytes; and
 * only content of the form {@code <token>.<base64url thumbprint>} whose token is the file's
 * name is ever returned. Anything else (a link to the private key, a folder, a FIFO, another
 * token's answer, a line break) is "not found", with one warning naming the file.
 *
 * <p>A lookup is one {@code stat} (and one read when the file exists): the folder is never
 * listed, so unknown tokens stay cheap. Files are written with {@link AtomicFile}, so a reader
 * sees all of a key authorization or nothing.
 */
public final class DirectoryChallengeStore implements ChallengeStore {

    private static final System.Logger LOG = System.getLogger(DirectoryChallengeStore.class.getName());
    /** The most a challenge file is read: a key authorization for the longest token is not even this long. */
    static final int MAX_FILE_SIZE = 256;
    private static final FileAttributes PUBLIC = FileAttributes.of("rw-r--r--");

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

    /**
     * @throws IllegalArgumentException when {@code token} is not a token or
     *         {@code keyAuthorization} not its key authorization: they could never be served
     */
    @Override
    public void put(String token, String keyAuthorization) {
        Objects.requireNonNull(keyAuthorization, "keyAuthorization");
        Path file = folder.resolve(AcmeToken.requireToken(token));
        if (!AcmeToken.isKeyAuthorization(token, keyAuthorization)) {
            throw new IllegalArgumentException("not a key authorization for the token " + token + " (expected the"
                    + " token, a dot and a " + AcmeToken.THUMBPRINT_LENGTH + "-character base64url thumbprint)");
        }
        try {
            Folders.create(folder, Folders.OPEN_MODE, Optional.empty());
            AtomicFile.replace(file, keyAuthorization.getBytes(StandardCharsets.US_ASCII), PUBLIC);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish the ACME challenge in " + folder + ": " + e, e);
        }
    }

    @Override
    public Optional<String> find(String token) {
        if (!AcmeToken.isToken(token)) {
            return Optional.empty();
        }
        Path file = folder.resolve(token);
        String content;
        try {
            // ISO-8859-1 maps every byte to one char: anything not ASCII fails the check below
            content = new String(RegularFile.read(file, MAX_FILE_SIZE), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "ACME challenge {0} not served: {1}", file, e.getMessage());
            return Optional.empty();
        }
        if (!AcmeToken.isKeyAuthorization(token, content)) {
            LOG.log(Level.WARNING, "ACME challenge {0} not served: it does not hold the key authorization of the"
                    + " token {1} (the token, a dot and a base64url thumbprint)", file, token);
            return Optional.empty();
        }
        return Optional.of(content);
    }

    @Override
    public void remove(String token) {
        if (AcmeToken.isToken(token)) {
            try {
                Files.deleteIfExists(folder.resolve(token));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the ACME challenge " + folder.resolve(token) + ": " + e, e);
            }
        }
    }
}
