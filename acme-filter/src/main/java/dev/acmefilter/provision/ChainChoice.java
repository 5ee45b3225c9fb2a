package dev.acmefilter.provision;

import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.exception.AcmeException;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Picks the certificate chain to write when the CA offers more than one
 * ({@code acme.preferred_chain}; RFC 8555, section 7.4.2, {@code Link: rel="alternate"}),
 * e.g. to serve a chain to an older root that old clients still trust. A chain matches
 * when its root or any of its issuers has the configured name, compared without regard to
 * case with the common name or the whole distinguished name. The default chain wins when
 * it matches; otherwise the first matching alternate; when none matches, the default chain
 * is kept and a warning lists the roots on offer.
 */
final class ChainChoice {

    private static final System.Logger LOG = System.getLogger(ChainChoice.class.getName());

    private ChainChoice() {
    }

    /** The chain to write for {@code certificate}, downloaded; alternates are fetched only when needed. */
    static List<X509Certificate> choose(Certificate certificate, Optional<String> preferred) throws AcmeException {
        List<X509Certificate> chain = certificate.getCertificateChain();
        if (preferred.isEmpty()) {
            return chain;
        }
        String wanted = preferred.get().trim();
        if (matches(chain, wanted)) {
            LOG.log(Level.INFO, "acme.preferred_chain: using the default chain, to {0}, which matches ''{1}''",
                    rootName(chain), wanted);
            return chain;
        }
        List<String> roots = new ArrayList<>(List.of(rootName(chain)));
        for (Certificate alternate : certificate.getAlternateCertificates()) {
            alternate.download();
            List<X509Certificate> candidate = alternate.getCertificateChain();
            if (matches(candidate, wanted)) {
                LOG.log(Level.INFO, "acme.preferred_chain: using the alternate chain {0}, to {1}, which matches ''{2}''",
                        alternate.getLocation(), rootName(candidate), wanted);
                return candidate;
            }
            roots.add(rootName(candidate));
        }
        LOG.log(Level.WARNING, "acme.preferred_chain: no chain the CA offers matches ''{0}''; keeping the default chain,"
                + " to {1}; the chains offered lead to: {2}", wanted, rootName(chain), String.join(", ", roots));
        return chain;
    }

    /** Whether the issuer of any certificate in {@code chain} (so also the root's name) is {@code wanted}. */
    static boolean matches(List<X509Certificate> chain, String wanted) {
        Optional<X500Principal> wantedDn = parseDn(wanted);
        for (X509Certificate certificate : chain) {
            X500Principal issuer = certificate.getIssuerX500Principal();
            if (wantedDn.map(issuer::equals).orElse(false)
                    || issuer.getName(X500Principal.RFC2253).equalsIgnoreCase(wanted)
                    || commonName(issuer).map(cn -> cn.equalsIgnoreCase(wanted)).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** The root's name as a log shows it: the last certificate's issuer, by common name when it has one. */
    static String rootName(List<X509Certificate> chain) {
        X500Principal root = chain.get(chain.size() - 1).getIssuerX500Principal();
        return commonName(root).orElse(root.getName(X500Principal.RFC2253));
    }

    private static Optional<String> commonName(X500Principal name) {
        try {
            List<String> cns = new LdapName(name.getName(X500Principal.RFC2253)).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                    .map(Rdn::getValue).map(String::valueOf).collect(Collectors.toList());
            return cns.isEmpty() ? Optional.empty() : Optional.of(cns.get(cns.size() - 1));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    /** {@code CN=ISRG Root X1, O=Internet Security Research Group} as a name, compared canonically. */
    private static Optional<X500Principal> parseDn(String text) {
        if (!text.contains("=")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new X500Principal(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
