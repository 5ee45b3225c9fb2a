package dev.acmefilter.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bearer token that {@code acme.status.token_file} asks of every request to the status,
 * metrics and health endpoints, on top of the address check: a same-host reverse proxy that
 * forwards more than it should, or a local user who can reach loopback, still needs it.
 *
 * <p>Only the token's SHA-256 digest is kept, so the secret itself is nowhere in memory after
 * the start, in no {@code toString()} and in no message; a request's token is hashed the same
 * way and the two digests are compared in constant time ({@link MessageDigest#isEqual}), so
 * neither the content nor the length of the token leaks through timing.
 *
 * <p>The file is read once, at start, and must be a regular file (a symbolic link is not
 * followed), at most {@value #MAX_FILE_BYTES} bytes, not readable by every user, and hold one
 * token of {@value #MIN_LENGTH} to {@value #MAX_LENGTH} visible ASCII characters (surrounding
 * blanks and a final line break are ignored).
 */
public final class StatusToken {

    static final int MAX_FILE_BYTES = 4096;
    static final int MIN_LENGTH = 16;
    static final int MAX_LENGTH = 1024;
    /** RFC 6750's b64token, which every token printed by {@code openssl rand -hex|-base64} fits. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final String BEARER = "bearer ";

    private final byte[] digest;

    private StatusToken(byte[] digest) {
        this.digest = digest;
    }

    /** A token given as text; for tests and for embedding. */
    public static StatusToken of(String token) {
        String problem = problem(Objects.requireNonNull(token, "token"));
        if (problem != null) {
            throw new IllegalArgumentException("not a usable token: " + problem);
        }
        return new StatusToken(sha256(token));
    }

    /**
     * Reads the token file.
     *
     * @throws IOException whose message says what is wrong with the file, to follow its path
     *                     in a message ({@code "is readable by every user ..."}); never the content
     */
    static StatusToken read(Path file) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException("does not exist");
        } catch (FileSystemException e) {
            throw unreadable(e);
        }
        if (attributes.isSymbolicLink()) {
            throw new IOException("is a symbolic link, which is not followed");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("is not a regular file");
        }
        if (attributes.permissions().contains(PosixFilePermission.OTHERS_READ)) {
            throw new IOException("is readable by every user (mode "
                    + octal(attributes.permissions()) + "); chmod o-r it");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw new IOException("holds " + attributes.size() + " bytes, more than the " + MAX_FILE_BYTES
                    + " of a token file");
        }
        ByteBuffer buffer = ByteBuffer.allocate(MAX_FILE_BYTES + 1);
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // up to the limit
            }
        } catch (FileSystemException e) {
            throw unreadable(e);
        }
        try {
            if (buffer.position() > MAX_FILE_BYTES) {
                throw new IOException("grew beyond " + MAX_FILE_BYTES + " bytes while it was read");
            }
            String token = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            String problem = problem(token);
            if (problem != null) {
                throw new IOException(problem);
            }
            return new StatusToken(sha256(token));
        } finally {
            Arrays.fill(buffer.array(), (byte) 0);
        }
    }

    private static IOException unreadable(FileSystemException e) {
        return new IOException("cannot be read: " + (e instanceof AccessDeniedException ? "permission denied"
                : e.getReason() != null ? e.getReason() : "input/output error"));
    }

    /** What is wrong with a token, without quoting it; null when it is fine. */
    private static String problem(String token) {
        if (token.isEmpty()) {
            return "is empty";
        }
        if (token.length() < MIN_LENGTH) {
            return "holds a token of " + token.length() + " characters, fewer than " + MIN_LENGTH;
        }
        if (token.length() > MAX_LENGTH) {
            return "holds a token of more than " + MAX_LENGTH + " characters";
        }
        if (!TOKEN.matcher(token).matches()) {
            return "holds more than one token, or characters a bearer token cannot have (letters, digits and"
                    + " -._~+/ then = only)";
        }
        return null;
    }

    /**
     * Whether an {@code Authorization} header presents this token ({@code Bearer <token>}, the
     * scheme in any case). Constant time in the token's content and length.
     *
     * @param authorization the header's value, null when absent
     */
    public boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < BEARER.length() || authorization.length() > 2 * MAX_LENGTH
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0, the 0400 bit
        }
        return String.format("%04o", mode);
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "StatusToken[hidden]";
    }
}
