package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Revokes the certificate at {@code tls_certificate_path} (RFC 8555, section 7.6). Signed
 * with the account key when the CA has an account for it (it never registers one), else, or
 * when the account may not revoke this certificate (issued to another account), with the
 * certificate's own key from {@code tls_private_key_path}. Changes no file: ordering the
 * replacement is the caller's next step.
 */
public final class CertificateRevocation {

    private static final System.Logger LOG = System.getLogger(CertificateRevocation.class.getName());
    private static final URI ALREADY_REVOKED = URI.create("urn:ietf:params:acme:error:alreadyRevoked");
    private static final URI UNAUTHORIZED = URI.create("urn:ietf:params:acme:error:unauthorized");
    private static final URI ACCOUNT_DOES_NOT_EXIST = URI.create("urn:ietf:params:acme:error:accountDoesNotExist");

    /** The reasons an admin may give (RFC 5280, section 5.3.1, as far as they make sense for a server). */
    public enum Reason {
        UNSPECIFIED("unspecified", RevocationReason.UNSPECIFIED),
        KEY_COMPROMISE("keyCompromise", RevocationReason.KEY_COMPROMISE),
        SUPERSEDED("superseded", RevocationReason.SUPERSEDED),
        CESSATION_OF_OPERATION("cessationOfOperation", RevocationReason.CESSATION_OF_OPERATION),
        AFFILIATION_CHANGED("affiliationChanged", RevocationReason.AFFILIATION_CHANGED);

        private final String label;
        private final RevocationReason acme;

        Reason(String label, RevocationReason acme) {
            this.label = label;
            this.acme = acme;
        }

        /** The name on the command line, as in RFC 5280: {@code keyCompromise}. */
        public String label() {
            return label;
        }

        public static Optional<Reason> of(String label) {
            return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
        }

        /** All labels, comma separated, for messages. */
        public static String labels() {
            return Arrays.stream(values()).map(Reason::label).collect(Collectors.joining(", "));
        }
    }

    /**
     * @param serial         the revoked certificate's serial number
     * @param signedWith     "account key" or "certificate key"
     * @param alreadyRevoked the CA said it was revoked before
     * @param certificate    the revoked certificate
     */
    public record Result(BigInteger serial, String signedWith, boolean alreadyRevoked, X509Certificate certificate) {
    }

    private CertificateRevocation() {
    }

    public static Result revoke(CertificateSettings settings, Reason reason) throws ProvisioningException {
        X509Certificate leaf;
        try {
            List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
            if (chain.isEmpty()) {
                throw new IOException("no certificate in the file");
            }
            leaf = chain.get(0);
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot read the certificate to revoke from "
                    + settings.certificatePath() + ": " + e.getMessage(), e);
        }
        String serial = leaf.getSerialNumber().toString(16);
        try (AcmeClient client = new AcmeClient(settings)) {
            try {
                if (Files.exists(settings.account().accountKeyFile())) {
                    try {
                        Certificate.revoke(client.existingLogin(AccountKeys.load(settings.account().accountKeyFile())), leaf,
                                reason.acme);
                        return revoked(settings, leaf, reason, "account key");
                    } catch (AcmeServerException e) {
                        if (!UNAUTHORIZED.equals(e.getType()) && !ACCOUNT_DOES_NOT_EXIST.equals(e.getType())) {
                            throw e;
                        }
                        LOG.log(Level.INFO, "The account may not revoke serial {0} ({1}); signing the revocation with"
                                + " the certificate''s own key instead", serial, e.getMessage());
                    }
                }
                Certificate.revoke(client.session(), certificateKey(settings, leaf), leaf, reason.acme);
                return revoked(settings, leaf, reason, "certificate key");
            } catch (AcmeServerException e) {
                if (ALREADY_REVOKED.equals(e.getType())) {
                    LOG.log(Level.INFO, "Certificate {0} (serial {1}) was already revoked", settings.certificatePath(),
                            serial);
                    return new Result(leaf.getSerialNumber(), "", true, leaf);
                }
                throw AcmeClient.translate("Revoking the certificate " + settings.certificatePath() + " (serial "
                        + serial + ") failed", e);
            } catch (AcmeException e) {
                throw AcmeClient.translate("Revoking the certificate " + settings.certificatePath() + " (serial "
                        + serial + ") failed", e);
            }
        }
    }

    private static Result revoked(CertificateSettings settings, X509Certificate leaf, Reason reason, String signedWith) {
        LOG.log(Level.INFO, "Revoked the certificate {0} (serial {1}, reason {2}), signed with the {3}",
                settings.certificatePath(), leaf.getSerialNumber().toString(16), reason.label(), signedWith);
        return new Result(leaf.getSerialNumber(), signedWith, false, leaf);
    }

    private static KeyPair certificateKey(CertificateSettings settings, X509Certificate leaf) throws ProvisioningException {
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(settings.privateKeyPath());
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException(FailureKind.FILES, "The account cannot revoke "
                    + settings.certificatePath() + " and its key " + settings.privateKeyPath() + " cannot be read: "
                    + e.getMessage(), e);
        }
        if (!KeyMatch.matches(leaf, key)) {
            throw new ProvisioningException(FailureKind.FILES, "The account cannot revoke "
                    + settings.certificatePath() + " and " + settings.privateKeyPath() + " is not its key", null);
        }
        return new KeyPair(leaf.getPublicKey(), key);
    }
}
