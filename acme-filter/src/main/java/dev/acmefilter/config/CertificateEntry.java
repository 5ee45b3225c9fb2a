package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of {@code acme.certificates}: a certificate kept valid besides (or instead of)
 * Synapse's own, for another name of the homeserver or another site the container fronts.
 * What an entry leaves out comes from the {@code acme:} section, except the delivery
 * settings ({@code reload}, {@code verify}, {@code keystore}): those usually concern another
 * server than Synapse, so an entry has them only when it says so.
 *
 * @param id              how the certificate is named in logs, status, alerts and the admin command
 * @param domains         the names in the certificate, the first one as its subject
 * @param certificatePath where the chain is written
 * @param privateKeyPath  where the key is written
 * @param keyType         the certificate key's type, when it differs from {@code acme.key_type}
 * @param reload          what to signal or run after a new certificate is written
 * @param verify          where to check that the new certificate is served
 * @param keystore        a PKCS#12 copy of this certificate and key
 * @param keepKey         whether to keep the key across renewals, when it differs from {@code acme.keep_key}
 * @param profile         the profile to ask for, when it differs from {@code acme.profile}
 * @param preferredChain  the chain to prefer, when it differs from {@code acme.preferred_chain}
 */
public record CertificateEntry(String id, List<String> domains, Path certificatePath, Path privateKeyPath,
        Optional<KeyType> keyType, Optional<ReloadSettings> reload, Optional<VerifySettings> verify,
        Optional<KeystoreSettings> keystore, Optional<Boolean> keepKey, Optional<String> profile,
        Optional<String> preferredChain) {

    /** The id of Synapse's own certificate ({@code tls_certificate_path}). */
    public static final String DEFAULT_ID = "default";
    /** Ids become file names (state, pending key) and metric labels: keep them plain. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    public CertificateEntry {
        Objects.requireNonNull(id, "id");
        domains = List.copyOf(domains);
        Objects.requireNonNull(certificatePath, "certificatePath");
        Objects.requireNonNull(privateKeyPath, "privateKeyPath");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keepKey, "keepKey");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(preferredChain, "preferredChain");
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name: " + id);
        }
    }

    /** An entry with only names and paths; everything else from {@code acme:}. */
    public static CertificateEntry of(String id, List<String> domains, Path certificatePath, Path privateKeyPath) {
        return new CertificateEntry(id, domains, certificatePath, privateKeyPath, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
