package dev.acmefilter.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Reads the two secrets of {@code acme.cluster} from their files: the cluster secret
 * ({@code secret_file}), the 32 bytes every node shares and with which private keys are
 * sealed in the database, and the database password ({@code database.password_file}).
 *
 * <p>The cluster secret has three spellings, told apart by their length alone:
 * <ul>
 * <li>exactly 32 raw bytes: {@code head -c 32 /dev/urandom > acme-cluster.key}</li>
 * <li>64 hexadecimal characters: {@code openssl rand -hex 32 > acme-cluster.key}</li>
 * <li>44 base64 characters (standard alphabet, one {@code =}): {@code openssl rand -base64 32 > acme-cluster.key}</li>
 * </ul>
 * The text forms may end with one line break. Then {@code chmod 600} (or {@code 640} with the
 * service's group): a file is refused when it is a symbolic link, not a regular file,
 * readable, writable or executable by others, or writable by its group; the secret also
 * when its bytes are all the same (a file of zeros is not a secret). Every refusal is one
 * {@link IllegalArgumentException} whose message names the file and says how to make a good
 * one (the parser puts the key in front); none shows the content.
 */
public final class SecretFile {

    /** Length of the cluster secret: an AES-256 key. */
    public static final int SECRET_LENGTH = 32;
    /** Largest secret file looked at: the longest accepted spelling (64 hex characters and CR LF). */
    private static final int MAX_SECRET_SIZE = 66;
    /** Largest password file: one line. */
    static final int MAX_PASSWORD_SIZE = 1024;
    static final String HOW = "; make one with 'openssl rand -hex 32 > FILE && chmod 600 FILE' and copy it to every"
            + " node";

    private SecretFile() {
    }

    /**
     * The 32 bytes of the cluster secret in {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem, when it is missing,
     *                                  unreadable, unsafe or not one of the three spellings
     */
    public static byte[] read(Path file) {
        byte[] content = readPrivate(file, MAX_SECRET_SIZE, HOW);
        try {
            byte[] secret = decode(content);
            if (secret == null) {
                throw new IllegalArgumentException(file + " holds " + content.length + " bytes, which is none of the"
                        + " accepted forms: 32 raw bytes, 64 hex characters or 44 base64 characters (each text form"
                        + " may end with one line break)" + HOW);
            }
            if (allSame(secret)) {
                Arrays.fill(secret, (byte) 0);
                throw new IllegalArgumentException(file + ": its 32 bytes are all the same, which is not a secret"
                        + HOW);
            }
            return secret;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * The database password in {@code file}: its first line, without the line break; the
     * file is checked as the secret is.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static String readPassword(Path file) {
        String how = "; write the database password alone on the first line of the file and 'chmod 600' it";
        byte[] content = readPrivate(file, MAX_PASSWORD_SIZE, how);
        try {
            if (content.length > MAX_PASSWORD_SIZE) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_PASSWORD_SIZE + " bytes, which is no"
                        + " password file" + how);
            }
            String text = new String(content, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new IllegalArgumentException(file + ": its first line is empty" + how);
            }
            return line;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** The bytes of a file only its owner (and group, reading) may use, at most {@code max + 1} of them. */
    private static byte[] readPrivate(Path file, int max, String how) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist" + how, e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + e + ")", e);
        }
        if (attributes.isSymbolicLink()) {
            throw new IllegalArgumentException(file + " is a symbolic link; name the file itself (a link can be turned"
                    + " to another file by whoever can write its folder)");
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(file + " is not a regular file");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.OTHERS_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_EXECUTE) || mode.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IllegalArgumentException(file + " is accessible by other users (mode "
                    + PosixFilePermissions.toString(mode) + "); run 'chmod 600 " + file
                    + "' (or 640 with the service's group)");
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            // opened without following a link that replaced the file since the check above
            ByteBuffer buffer = ByteBuffer.allocate(max + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // fill up to one byte more than any accepted content
            }
            byte[] bytes = Arrays.copyOf(buffer.array(), buffer.position());
            Arrays.fill(buffer.array(), (byte) 0);
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + e + ")", e);
        }
    }

    /** The 32 bytes of one of the three spellings, or null. */
    static byte[] decode(byte[] content) {
        if (content.length == SECRET_LENGTH) {
            return content.clone();
        }
        int end = content.length;
        if (end > 0 && content[end - 1] == '\n') {
            end--;
            if (end > 0 && content[end - 1] == '\r') {
                end--;
            }
        }
        String text = new String(content, 0, end, StandardCharsets.US_ASCII);
        try {
            if (end == 64 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return HexFormat.of().parseHex(text);
            }
            if (end == 44 && text.matches("[A-Za-z0-9+/]{43}=")) {
                byte[] decoded = Base64.getDecoder().decode(text);
                return decoded.length == SECRET_LENGTH ? decoded : null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static boolean allSame(byte[] bytes) {
        for (byte b : bytes) {
            if (b != bytes[0]) {
                return false;
            }
        }
        return true;
    }
}
