package dev.acmefilter.provision;

import dev.acmefilter.config.KeyType;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;

/**
 * Key pairs of the {@link KeyType}s an admin can choose, for the account and the
 * certificate: creating them, telling which type an existing key is (so that a key on disk
 * is only reused when it is what the settings ask for), and rebuilding the pair from a
 * private key file, which holds no separate public key.
 *
 * <p>Keys come from the JDK's own providers (SunEC, SunRsaSign), not from BouncyCastle's: the
 * provider is never registered, so a webapp that carries this jar keeps the JCA as it was,
 * and a cold start skips building BouncyCastle's provider (~0.3 s of CPU in the Jetty
 * base; BENCHMARKS.md). BouncyCastle still parses and writes PEM and builds the CSR.
 */
final class KeyPairs {

    private KeyPairs() {
    }

    /** A new key pair of {@code type}. */
    static KeyPair create(KeyType type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type.algorithm());
            switch (type) {
                case EC256, EC384 -> generator.initialize(new ECGenParameterSpec(curveName(type)));
                case RSA2048, RSA3072, RSA4096 -> generator.initialize(type.size());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a " + type.configName() + " key", e);
        }
    }

    /**
     * The pair as one PEM block that holds both halves, the form acme4j's
     * {@code KeyPairUtils.readKeyPair} (and OpenSSL) read: EC as {@code EC PRIVATE KEY}
     * (SEC 1) with its public point, RSA as {@code RSA PRIVATE KEY}. The JDK encodes an EC
     * private key without the public point, so it is put back here.
     */
    static byte[] pem(KeyPair pair) throws IOException {
        Object block = pair;
        if (pair.getPrivate() instanceof ECPrivateKey ec) {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey inner =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            ASN1BitString point = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData();
            block = new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(
                    ec.getParams().getOrder().bitLength(), inner.getKey(), point,
                    info.getPrivateKeyAlgorithm().getParameters()).getEncoded());
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(block);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The configured type {@code key} is, when it is one: an EC key on P-256 or P-384, or RSA of 2048, 3072 or 4096 bits. */
    static Optional<KeyType> typeOf(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            for (KeyType type : KeyType.values()) {
                if (type.algorithm().equals("RSA") && type.size() == bits) {
                    return Optional.of(type);
                }
            }
        } else if (key instanceof ECPublicKey ec) {
            for (KeyType type : KeyType.values()) {
                if (type.algorithm().equals("EC") && sameCurve(ec.getParams(), namedCurve(curveName(type)))) {
                    return Optional.of(type);
                }
            }
        }
        return Optional.empty();
    }

    /** How a key is named in a message: its config name ({@code ec256}), else its algorithm and size. */
    static String describe(PublicKey key) {
        return typeOf(key).map(KeyType::configName).orElseGet(() -> {
            if (key instanceof RSAPublicKey rsa) {
                return "an RSA key of " + rsa.getModulus().bitLength() + " bits";
            }
            if (key instanceof ECPublicKey ec) {
                return "an EC key on a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve that is "
                        + "neither P-256 nor P-384";
            }
            return "a " + key.getAlgorithm() + " key";
        });
    }

    /**
     * The key pair of {@code key}: the public half is computed from the private one (RSA:
     * modulus and public exponent; EC: the private scalar times the curve's generator).
     *
     * @throws GeneralSecurityException for other algorithms, or an RSA key without its CRT parameters
     */
    static KeyPair withPublicKey(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            PublicKey pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new KeyPair(pub, key);
        }
        if (key instanceof ECPrivateKey ec) {
            ECParameterSpec params = ec.getParams();
            org.bouncycastle.math.ec.ECPoint q = EC5Util.convertSpec(params).getG().multiply(ec.getS()).normalize();
            PublicKey pub = KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(EC5Util.convertPoint(q), params));
            return new KeyPair(pub, key);
        }
        throw new GeneralSecurityException("it is a " + key.getAlgorithm() + " key (" + key.getClass().getSimpleName()
                + "), expected an EC or RSA key");
    }

    private static String curveName(KeyType type) {
        return type == KeyType.EC384 ? "secp384r1" : "secp256r1";
    }

    private static ECParameterSpec namedCurve(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK does not know the curve " + name, e);
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
    }
}
