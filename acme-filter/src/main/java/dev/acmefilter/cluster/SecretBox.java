package dev.acmefilter.cluster;

import dev.acmefilter.config.SecretFile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the private keys that the cluster keeps in its database (certificate keys, the
 * pending order's key, the account key), so that a database dump, a backup or a read-only
 * database user never sees one: AES-256-GCM with the 32-byte cluster secret, a fresh random
 * 96-bit nonce for every message (so one secret seals many values safely), and associated
 * data that says what the value is ({@code certificate-key:default:<serial>}): a sealed key
 * moved to another row, or to another certificate, no longer opens.
 *
 * <p>A sealed value is {@code 0x01 | key id (4 bytes) | nonce (12) | ciphertext | tag (16)}.
 * The key id is derived from the secret by HMAC and reveals nothing of it; it lets
 * {@link #open} tell "another cluster secret" from "altered data" in its message.
 */
public final class SecretBox {

    /** Length of the cluster secret: an AES-256 key. */
    public static final int KEY_LENGTH = SecretFile.SECRET_LENGTH;
    private static final byte FORMAT = 1;
    private static final int KEY_ID_LENGTH = 4;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER = 1 + KEY_ID_LENGTH + NONCE_LENGTH;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] keyId;

    /** A box for {@code secret}, which must be {@value #KEY_LENGTH} bytes. */
    public SecretBox(byte[] secret) {
        if (secret == null || secret.length != KEY_LENGTH) {
            throw new IllegalArgumentException("the cluster secret must be exactly " + KEY_LENGTH + " bytes");
        }
        this.key = new SecretKeySpec(secret, "AES");
        this.keyId = keyIdOf(secret);
    }

    /** A box for the secret in {@code file} ({@link SecretFile#read}). */
    public static SecretBox fromFile(Path file) {
        byte[] secret = SecretFile.read(file);
        try {
            return new SecretBox(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The key id of this secret, in hex: the same on every node that has the same secret. */
    public String keyId() {
        return HexFormat.of().formatHex(keyId);
    }

    /**
     * Encrypts {@code plaintext}, bound to {@code context} (what it is and to which row it
     * belongs): only {@link #open} with the same context and secret gives it back.
     */
    public byte[] seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(context));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER + sealed.length).put(FORMAT).put(keyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * Decrypts what {@link #seal} made for {@code context}.
     *
     * @throws UndecryptableException naming {@code context} and saying whether the secret
     *                                differs or the value was altered or belongs elsewhere
     */
    public byte[] open(byte[] sealed, String context) {
        if (sealed == null || sealed.length < HEADER + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new UndecryptableException("Cannot decrypt " + context + ": it is not a value sealed by this"
                    + " software (unknown format)", null);
        }
        byte[] storedKeyId = Arrays.copyOfRange(sealed, 1, 1 + KEY_ID_LENGTH);
        if (!MessageDigest.isEqual(storedKeyId, keyId)) {
            throw new UndecryptableException("Cannot decrypt " + context + ": it was sealed with another cluster secret"
                    + " (key id " + HexFormat.of().formatHex(storedKeyId) + "; this node's acme.cluster.secret_file has"
                    + " key id " + keyId() + "); every node of the cluster needs the same secret file", null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1 + KEY_ID_LENGTH,
                    NONCE_LENGTH));
            cipher.updateAAD(aad(context));
            return cipher.doFinal(sealed, HEADER, sealed.length - HEADER);
        } catch (AEADBadTagException e) {
            throw new UndecryptableException("Cannot decrypt " + context + ": the value was altered, or it belongs to"
                    + " another row (authentication failed with the right secret)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    private static byte[] aad(String context) {
        return ("dev.acmefilter.cluster/" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] keyIdOf(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal("acme-filter cluster key id".getBytes(StandardCharsets.US_ASCII)),
                    KEY_ID_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
