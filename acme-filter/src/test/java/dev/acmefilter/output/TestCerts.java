package dev.acmefilter.output;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed test certificates with chosen SAN names and validity, made with BouncyCastle. */
public final class TestCerts {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private TestCerts() {
    }

    public static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static X509Certificate selfSigned(KeyPair keys, Instant notBefore, Instant notAfter, String... names) {
        try {
            X500Name subject = new X500Name("CN=" + (names.length > 0 ? names[0] : "test"));
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, keys.getPublic());
            if (names.length > 0) {
                GeneralName[] sans = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    sans[i] = new GeneralName(GeneralName.dNSName, names[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            }
            String algorithm = keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate, valid for 90 days from now, whose subjectAltName holds exactly {@code sans}. */
    public static X509Certificate withSubjectAltNames(KeyPair keys, GeneralName... sans) {
        try {
            X500Name subject = new X500Name("CN=test");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(90L * 86_400)), subject, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate valid from a day before {@code now} to {@code days} days after it. */
    public static X509Certificate validFor(KeyPair keys, Instant now, long days, String... names) {
        return selfSigned(keys, now.minusSeconds(86_400), now.plusSeconds(days * 86_400), names);
    }

    /** A certificate for {@code names}, signed by {@code issuer} (whose key is {@code issuerKeys}). */
    public static X509Certificate issuedBy(KeyPair keys, X509Certificate issuer, KeyPair issuerKeys, Instant now,
            long days, String... names) {
        try {
            X500Name subject = new X500Name("CN=" + names[0]);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(86_400)),
                    Date.from(now.plusSeconds(days * 86_400)), subject, keys.getPublic());
            GeneralName[] sans = new GeneralName[names.length];
            for (int i = 0; i < names.length; i++) {
                sans[i] = new GeneralName(GeneralName.dNSName, names[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA"
                    : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
