package dev.acmefilter.provision;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an order produced: the full chain (leaf first) and the certificate's key pair.
 * {@link #toString()} never shows the key.
 */
public record IssuedCertificate(List<X509Certificate> chain, KeyPair keyPair) {
    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + leaf().getSubjectX500Principal() + ", serial "
                + leaf().getSerialNumber().toString(16) + ", until " + leaf().getNotAfter().toInstant() + "]";
    }
}
