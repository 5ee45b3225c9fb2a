package dev.acmefilter.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes certificate chains and private keys in PEM, with BouncyCastle's
 * {@link PEMParser} and {@link JcaPEMWriter}. Keys are converted to the JDK's own key
 * classes (no security provider needs to be registered).
 *
 * <p>Reading accepts PKCS#8 ({@code PRIVATE KEY}) and the traditional OpenSSL forms
 * ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}); other PEM blocks in the file (such as
 * {@code EC PARAMETERS}, which {@code openssl ecparam -genkey} puts first) are skipped.
 * Encrypted keys are refused. Writing always produces PKCS#8 {@code PRIVATE KEY}, which
 * Synapse (OpenSSL) reads.
 *
 * <p>Error messages never contain key material: a key file's parse errors quote nothing of it,
 * and a certificate file's quote no base64 (it may hold the key too).
 */
public final class Pem {

    /** Files larger than this are not PEM certificates or keys; refuse rather than read them. */
    static final long MAX_FILE_SIZE = 1024 * 1024;

    /** What key material looks like in a message: base64 without line breaks, 16 characters or more. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=]{16,}");

    private Pem() {
    }

    /**
     * Reads every certificate in a PEM file, in file order (the leaf first, for a full chain).
     *
     * @throws IOException when the file cannot be read, is not PEM, or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return parseCertificates(new StringReader(readSmallFile(file)));
    }

    /** Reads every certificate from PEM text; see {@link #readCertificates(Path)}. */
    public static List<X509Certificate> parseCertificates(Reader pem) throws IOException {
        Objects.requireNonNull(pem, "pem");
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(pem)) {
            for (Object item = nextCertificateObject(parser); item != null; item = nextCertificateObject(parser)) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IOException("invalid certificate: " + withoutFileText(e.getMessage()));
        } catch (RuntimeException e) {
            // BouncyCastle reports some malformed ASN.1 as unchecked exceptions
            throw new IOException("malformed PEM: " + withoutFileText(e.getMessage()));
        }
        if (certificates.isEmpty()) {
            throw new IOException("no PEM CERTIFICATE block found");
        }
        return List.copyOf(certificates);
    }

    /**
     * Reads the first private key in a PEM file.
     *
     * @throws IOException when the file cannot be read, holds no (unencrypted) private key, or
     *                     the key cannot be decoded
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return parsePrivateKey(new StringReader(readSmallFile(file)));
    }

    /**
     * The next PEM object of a certificate file, with BouncyCastle's message cleared of file text
     * (see {@link #withoutFileText}).
     */
    private static Object nextCertificateObject(PEMParser parser) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException e) {
            throw new IOException(withoutFileText(e.getMessage()));
        }
    }

    /**
     * A parser's message without what it quoted of the file. BouncyCastle quotes a damaged BEGIN
     * line whole ("-----END ... not found") and an unknown block's type, and a certificate file
     * may hold the private key too (one combined PEM, which some admins use): every run of 16 or
     * more base64 characters, which is what key material looks like, becomes {@code [...]}, and
     * the message is cut at 200 characters. Labels such as {@code CERTIFICATE} stay readable.
     * The exception is not kept as a cause either, since a logged cause would print it.
     */
    static String withoutFileText(String message) {
        if (message == null) {
            return "no details";
        }
        String cleaned = BASE64_RUN.matcher(message).replaceAll("[...]").replaceAll("\\p{Cntrl}", " ");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) + "..." : cleaned;
    }

    /** Reads the first private key from PEM text; see {@link #readPrivateKey(Path)}. */
    public static PrivateKey parsePrivateKey(Reader pem) throws IOException {
        Objects.requireNonNull(pem, "pem");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(pem)) {
            for (Object item = nextKeyObject(parser); item != null; item = nextKeyObject(parser)) {
                if (item instanceof PrivateKeyInfo info) {
                    return jdkKey(info, converter);
                }
                if (item instanceof PEMKeyPair pair) {
                    return jdkKey(pair.getPrivateKeyInfo(), converter);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the private key is encrypted; an unencrypted key is required");
                }
            }
        } catch (RuntimeException e) {
            // the class only: BouncyCastle's message, or a logged cause, could quote the key
            throw new IOException("malformed PEM: " + e.getClass().getSimpleName());
        }
        throw new IOException("no PEM PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block found");
    }

    /**
     * The next PEM object of a key file. BouncyCastle's own messages quote the file (a damaged
     * BEGIN line comes back in "-----END ... not found", found by ExistingPairFuzzTest), which in
     * a key file may be key material: they are replaced, and not kept as a cause either.
     */
    private static Object nextKeyObject(PEMParser parser) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException e) {
            throw new IOException("malformed PEM: a block is damaged or has no END line (details not shown: the"
                    + " file holds a private key)");
        }
    }

    /**
     * EC and RSA keys through the JDK's own key factories: BouncyCastle's converter would pick
     * its own provider whenever BC is registered (acme4j registers it), so the same file would
     * read as another key class depending on what ran before.
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info, JcaPEMKeyConverter converter) throws IOException {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        String name = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm) ? "EC"
                : PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) ? "RSA" : null;
        if (name == null) {
            try {
                return converter.getPrivateKey(info);
            } catch (IOException e) {
                // e.g. an algorithm no provider knows; the message names its OID, the cause is dropped
                throw new IOException(withoutFileText(e.getMessage()));
            }
        }
        try {
            return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("the " + name + " private key cannot be decoded: " + e.getClass().getSimpleName());
        }
    }

    /** Writes the certificates as consecutive {@code CERTIFICATE} blocks (leaf first). */
    public static void writeCertificates(Writer out, List<X509Certificate> chain) throws IOException {
        Objects.requireNonNull(out, "out");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        JcaPEMWriter pem = new JcaPEMWriter(out);
        for (X509Certificate certificate : chain) {
            pem.writeObject(certificate);
        }
        pem.flush();
    }

    /** Writes the key as a PKCS#8 {@code PRIVATE KEY} block. */
    public static void writePrivateKey(Writer out, PrivateKey key) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(key, "key");
        byte[] encoded = key.getEncoded();
        if (encoded == null || !"PKCS#8".equalsIgnoreCase(key.getFormat())) {
            throw new IllegalArgumentException("the private key (" + key.getAlgorithm()
                    + ") cannot be exported in PKCS#8 form");
        }
        JcaPEMWriter pem = new JcaPEMWriter(out);
        pem.writeObject(new PemObject("PRIVATE KEY", encoded));
        pem.flush();
        java.util.Arrays.fill(encoded, (byte) 0);
    }

    /** The chain as PEM bytes (US-ASCII). */
    public static byte[] encodeCertificates(List<X509Certificate> chain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.US_ASCII)) {
            writeCertificates(out, chain);
        }
        return bytes.toByteArray();
    }

    /** The key as PKCS#8 PEM bytes (US-ASCII). The caller should clear the array after use. */
    public static byte[] encodePrivateKey(PrivateKey key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.US_ASCII)) {
            writePrivateKey(out, key);
        }
        return bytes.toByteArray();
    }

    private static String readSmallFile(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes((int) MAX_FILE_SIZE + 1);
            if (content.length > MAX_FILE_SIZE) {
                throw new IOException("file is larger than " + MAX_FILE_SIZE + " bytes; not a PEM file");
            }
            // ISO-8859-1 never fails to decode: stray bytes outside the PEM blocks are harmless
            return new String(content, StandardCharsets.ISO_8859_1);
        }
    }
}
