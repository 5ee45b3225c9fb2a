package dev.acmefilter.cluster;

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
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Reads the cluster secret ({@code acme.cluster.secret_file}): the 32 bytes every node shares
 * and with which {@link SecretBox} seals private keys in the database. Three spellings are
 * accepted, told apart by their length alone:
 * <ul>
 * <li>exactly 32 raw bytes: {@code head -c 32 /dev/urandom > acme-cluster.key}</li>
 * <li>64 hexadecimal characters: {@code openssl rand -hex 32 > acme-cluster.key}</li>
 * <li>44 base64 characters (standard alphabet, one {@code =}): {@code openssl rand -base64 32 > acme-cluster.key}</li>
 * </ul>
 * The text forms may end with one line break. Then {@code chmod 600} (or {@code 640} with the
 * service's group): the file is refused when it is a symbolic link, not a regular file,
 * readable, writable or executable by others, or writable by its group; also when its bytes
 * are all the same (a file of zeros is not a secret). Every refusal is one message that
 * names the file and says how to make a good one; none shows the content.
 */
public final class SecretFile {

    /** Largest file looked at: the longest accepted spelling (64 hex characters and CR LF). */
    private static final int MAX_SIZE = 66;
    private static final String HOW = "; make one with 'openssl rand -hex 32 > FILE && chmod 600 FILE' and copy it to"
            + " every node";

    private SecretFile() {
    }

    /**
     * The 32 bytes of the secret in {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem, when it is missing,
     *                                  unreadable, unsafe or not one of the three spellings
     */
    public static byte[] read(Path file) {
        String name = "acme.cluster.secret_file " + file;
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file" + HOW, e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(name + ": cannot be read (" + e + ")", e);
        }
        if (attributes.isSymbolicLink()) {
            throw new IllegalArgumentException(name + ": is a symbolic link; name the file itself (a link can be"
                    + " turned to another file by whoever can write its folder)");
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(name + ": is not a regular file");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.OTHERS_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_EXECUTE) || mode.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IllegalArgumentException(name + ": is accessible by other users (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "); run 'chmod 600 " + file
                    + "' (or 640 with the service's group)");
        }
        byte[] content = readBounded(file, name);
        try {
            byte[] secret = decode(content);
            if (secret == null) {
                throw new IllegalArgumentException(name + ": holds " + content.length + " bytes, which is none of the"
                        + " accepted forms: 32 raw bytes, 64 hex characters or 44 base64 characters (each text form"
                        + " may end with one line break)" + HOW);
            }
            if (allSame(secret)) {
                Arrays.fill(secret, (byte) 0);
                throw new IllegalArgumentException(name + ": its 32 bytes are all the same, which is not a secret" + HOW);
            }
            return secret;
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static byte[] readBounded(Path file, String name) {
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            // opened without following a link that replaced the file since the check above
            ByteBuffer buffer = ByteBuffer.allocate(MAX_SIZE + 1);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // fill up to one byte more than any accepted form
            }
            byte[] bytes = Arrays.copyOf(buffer.array(), buffer.position());
            Arrays.fill(buffer.array(), (byte) 0);
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot be read (" + e + ")", e);
        }
    }

    /** The 32 bytes of one of the three spellings, or null. */
    static byte[] decode(byte[] content) {
        if (content.length == SecretBox.KEY_LENGTH) {
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
                return decoded.length == SecretBox.KEY_LENGTH ? decoded : null;
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
