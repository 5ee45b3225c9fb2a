package dev.acmefilter.cluster;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate as the cluster stores it ({@link SharedCertificates}): the chain, its key
 * (decrypted on this node), and who issued it when, under which lease grant.
 *
 * @param id            the row id; larger is newer
 * @param certificateId the certificate's id in the config ({@code default} for Synapse's own)
 * @param serial        the leaf's serial number
 * @param notBefore     the leaf's start of validity
 * @param notAfter      the leaf's end of validity
 * @param names         the leaf's DNS names
 * @param issuedAt      when the issuing node stored it
 * @param issuedBy      the issuing node
 * @param fencingToken  the lease grant under which it was stored
 * @param chain         the chain, leaf first
 * @param chainPem      the same chain as PEM, as stored
 * @param keyPair       the certificate's key pair
 */
public record SharedCertificate(long id, String certificateId, BigInteger serial, Instant notBefore, Instant notAfter,
                                List<String> names, Instant issuedAt, String issuedBy, long fencingToken,
                                List<X509Certificate> chain, String chainPem, KeyPair keyPair) {

    public SharedCertificate {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Without the key or the chain. */
    @Override
    public String toString() {
        return "SharedCertificate[" + certificateId + " #" + id + ", serial " + serial.toString(16) + ", " + names
                + ", valid until " + notAfter + ", issued by " + issuedBy + " at " + issuedAt + " under token "
                + fencingToken + "]";
    }
}
