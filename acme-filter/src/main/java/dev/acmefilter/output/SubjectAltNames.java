package dev.acmefilter.output;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The DNS names a certificate is for: the one reading of the subjectAltName extension that
 * the renewal decision, the status page and the admin command's report share.
 */
public final class SubjectAltNames {

    /** The {@code GeneralName} tag of a dNSName (RFC 5280, section 4.2.1.6). */
    private static final int DNS_NAME = 2;

    private SubjectAltNames() {
    }

    /**
     * The dNSName entries of {@code certificate}'s subjectAltName, as the certificate writes
     * them (case and any trailing dot kept), in its order, each once. Other kinds of names (IP
     * addresses, e-mail addresses) are left out: a TLS client never matches a host name
     * against them. An extension that cannot be parsed names nothing, so a certificate with
     * one is reported without names and replaced, rather than failing whoever asks.
     */
    public static List<String> dnsNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))
                            && entry.get(1) instanceof String name) {
                        names.add(name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return List.copyOf(names);
    }
}
