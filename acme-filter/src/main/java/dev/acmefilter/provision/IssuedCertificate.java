package dev.acmefilter.provision;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an order produced: the full chain (leaf first), the certificate's key pair, and the
 * profile the CA applied ({@code acme.profile}; empty when the CA did not name one).
 * {@link #toString()} never shows the key.
 */
public record IssuedCertificate(List<X509Certificate> chain, KeyPair keyPair, Optional<String> profile) {
    public IssuedCertificate {
        chain = List.copyOf(chain);
        Objects.requireNonNull(profile, "profile");
    }

    /** A certificate issued without a profile. */
    public IssuedCertificate(List<X509Certificate> chain, KeyPair keyPair) {
        this(chain, keyPair, Optional.empty());
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + leaf().getSubjectX500Principal() + ", serial "
                + leaf().getSerialNumber().toString(16) + ", until " + leaf().getNotAfter().toInstant() + ", profile "
                + profile.orElse("none") + "]";
    }
}
