package dev.acmefilter.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A key pair as the bytes that {@link SecretBox} seals: the algorithm, the private key in
 * PKCS#8 and the public key in X.509 SubjectPublicKeyInfo, each length-prefixed. Both halves
 * are kept because the JDK cannot derive an EC public key from the private one, and an
 * order's CSR and the account need the pair. Read back with the JDK's own key factories:
 * no security provider needs to be registered.
 */
final class KeyPairCodec {

    private static final int FORMAT = 1;
    private static final int MAX_PART = 16 * 1024;

    private KeyPairCodec() {
    }

    static byte[] encode(KeyPair pair) {
        byte[] privateKey = pair.getPrivate().getEncoded();
        if (privateKey == null) {
            throw new IllegalArgumentException("the private key cannot be exported (" + pair.getPrivate().getAlgorithm()
                    + " key of a hardware token?)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            byte[] algorithm = pair.getPrivate().getAlgorithm().getBytes(StandardCharsets.US_ASCII);
            out.writeShort(algorithm.length);
            out.write(algorithm);
            out.writeInt(privateKey.length);
            out.write(privateKey);
            byte[] publicKey = pair.getPublic().getEncoded();
            out.writeInt(publicKey.length);
            out.write(publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a key pair of this format (never
     *                                  with any of the bytes in the message)
     */
    static KeyPair decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
            if (in.readUnsignedByte() != FORMAT) {
                throw new IllegalArgumentException("unknown key pair format");
            }
            String algorithm = new String(part(in, in.readUnsignedShort()), StandardCharsets.US_ASCII);
            byte[] privateKey = part(in, in.readInt());
            byte[] publicKey = part(in, in.readInt());
            KeyFactory factory = KeyFactory.getInstance(algorithm);
            try {
                PrivateKey priv = factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey));
                PublicKey pub = factory.generatePublic(new X509EncodedKeySpec(publicKey));
                return new KeyPair(pub, priv);
            } finally {
                Arrays.fill(privateKey, (byte) 0);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a readable key pair: " + e.getClass().getSimpleName(), null);
        }
    }

    private static byte[] part(DataInputStream in, int length) throws IOException {
        if (length < 0 || length > MAX_PART) {
            throw new IOException("part of " + length + " bytes");
        }
        byte[] part = in.readNBytes(length);
        if (part.length != length) {
            throw new java.io.EOFException("truncated");
        }
        return part;
    }
}
