package dev.acmefilter.output;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks that a private key belongs to a certificate: signs a random challenge with the
 * private key and verifies the signature with the certificate's public key. Works for EC
 * and RSA keys (and EdDSA); any other algorithm, or any failure, counts as "no match".
 */
public final class KeyMatch {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMatch() {
    }

    /** True when {@code key} is the private half of the certificate's public key. */
    public static boolean matches(X509Certificate certificate, PrivateKey key) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null
                || !algorithm.equals(signatureAlgorithm(publicKey.getAlgorithm()))) {
            return false;
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // e.g. keys on different curves, or an unsupported key size
            return false;
        }
    }

    /**
     * The leaf of {@code chain}, checked before anything is written: the chain is not empty
     * and {@code key} belongs to its leaf. Every writer checks the same way, so that a
     * mismatched key never reaches the disk whatever the output format.
     *
     * @param notWritten what the message tells the admin stays untouched, e.g.
     *                   {@code "nothing was written"}
     * @throws IllegalArgumentException when the chain is empty or the key does not match the leaf
     */
    static X509Certificate requireLeaf(List<X509Certificate> chain, PrivateKey key, String notWritten) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(key, "privateKey");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        X509Certificate leaf = chain.get(0);
        if (!matches(leaf, key)) {
            throw new IllegalArgumentException("the private key does not match the certificate for "
                    + leaf.getSubjectX500Principal().getName() + "; " + notWritten);
        }
        return leaf;
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm.toUpperCase(Locale.ROOT)) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519", "ED448", "EDDSA" -> "EdDSA";
            default -> null;
        };
    }
}
