package dev.acmefilter.config;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the provisioner needs, read once from {@code homeserver.yaml} by
 * {@link HomeserverConfig} (or built by hand with {@link #builder()}). Immutable; all
 * paths are absolute.
 *
 * @param configFile           the file these settings came from (null when built by hand)
 * @param serverName           Synapse's {@code server_name}
 * @param enabled              {@code acme.enabled}: when false only challenges are served
 * @param directoryUrl         {@code acme.url}, the CA's ACME v2 directory
 * @param port                 {@code acme.port}, where the Jetty base listens for http-01
 * @param bindAddresses        {@code acme.bind_addresses}
 * @param reprovisionThreshold {@code acme.reprovision_threshold}, in days in the file
 * @param domains              {@code acme.domain} first, then {@code acme.domains}; lower case, no duplicates
 * @param contacts             {@code acme.contact}: e-mail addresses, without {@code mailto:}
 * @param keyType              {@code acme.key_type}, for the certificate key
 * @param eab                  {@code acme.eab}, when the CA requires external account binding
 * @param caCertificates       {@code acme.ca_certificates}: extra CAs trusted for the ACME server's HTTPS
 * @param accountKeyFile       {@code acme.account_key_file}
 * @param certificatePath      {@code tls_certificate_path} (null only when ACME is disabled)
 * @param privateKeyPath       {@code tls_private_key_path} (null only when ACME is disabled)
 * @param fileGroup            {@code acme.file_group}: group for newly created certificate and key files
 * @param keyFileMode          {@code acme.key_file_mode}: mode for a newly created key file (default 0600)
 * @param warnings             what the loader noticed but accepted (unknown keys, v01 URLs)
 * @param stateDir             {@code acme.state_dir}: where the renewal state is kept (default: the
 *                             account key's folder)
 * @param reload               {@code acme.reload}: signal and/or command after a new certificate is written
 * @param verify               {@code acme.verify}: where to check that the new certificate is served
 * @param keystore             {@code acme.keystore}: a PKCS#12 copy of the certificate and key
 * @param preflight            {@code acme.preflight}: the self-test of the challenge path before an order
 * @param certificateId        which certificate these settings describe: {@code default} for Synapse's own
 *                             ({@code tls_certificate_path}), else the id of an {@code acme.certificates} entry
 * @param certificates         {@code acme.certificates}: the further certificates to keep valid
 * @param maxConcurrentOrders  {@code acme.max_concurrent_orders}: how many certificates may be ordered at once
 * @param accountKeyType       {@code acme.account_key_type}: the type of a newly created account key
 * @param keepKey              {@code acme.keep_key}: order with the key already at {@code tls_private_key_path}
 *                             when it is of {@code keyType}
 * @param profile              {@code acme.profile}: the certificate profile to ask the CA for
 * @param profileRequired      {@code acme.profile_required}: order nothing when the CA does not offer {@code profile}
 * @param preferredChain       {@code acme.preferred_chain}: the root or issuer name of the chain to write when the
 *                             CA offers several
 * @param status               {@code acme.status}: who may read the status, metrics and health endpoints
 * @param alerts               {@code acme.alerts}: alert command, webhook and thresholds (also for health)
 */
public record AcmeSettings(
        Path configFile,
        String serverName,
        boolean enabled,
        URI directoryUrl,
        int port,
        List<String> bindAddresses,
        Duration reprovisionThreshold,
        List<String> domains,
        List<String> contacts,
        KeyType keyType,
        Optional<ExternalAccountBinding> eab,
        Optional<Path> caCertificates,
        Path accountKeyFile,
        Path certificatePath,
        Path privateKeyPath,
        Optional<String> fileGroup,
        Optional<Set<PosixFilePermission>> keyFileMode,
        List<String> warnings,
        Path stateDir,
        Optional<ReloadSettings> reload,
        Optional<VerifySettings> verify,
        Optional<KeystoreSettings> keystore,
        PreflightSettings preflight,
        String certificateId,
        List<CertificateEntry> certificates,
        int maxConcurrentOrders,

        KeyType accountKeyType,
        boolean keepKey,
        Optional<String> profile,
        boolean profileRequired,
        Optional<String> preferredChain,
        StatusSettings status,
        AlertSettings alerts) {

    /** Let's Encrypt's production ACME v2 directory: Synapse's default CA. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Let's Encrypt's staging ACME v2 directory. */
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    public static final int DEFAULT_PORT = 80;
    public static final List<String> DEFAULT_BIND_ADDRESSES = List.of("::", "0.0.0.0");
    public static final Duration DEFAULT_REPROVISION_THRESHOLD = Duration.ofDays(30);
    public static final KeyType DEFAULT_KEY_TYPE = KeyType.EC256;
    /**
     * Orders in flight at once: enough that 50 certificates do not queue behind a slow CA,
     * few enough that a CA's per-account limits (Let's Encrypt: 300 new orders per 3 hours)
     * and the http-01 listener are not flooded.
     */
    public static final int DEFAULT_MAX_CONCURRENT_ORDERS = 4;

    public AcmeSettings {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        bindAddresses = List.copyOf(bindAddresses);
        domains = List.copyOf(domains);
        contacts = List.copyOf(contacts);
        Objects.requireNonNull(reprovisionThreshold, "reprovisionThreshold");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(eab, "eab");
        Objects.requireNonNull(caCertificates, "caCertificates");
        Objects.requireNonNull(fileGroup, "fileGroup");
        keyFileMode = keyFileMode.map(Set::copyOf);
        warnings = List.copyOf(warnings);
        if (stateDir == null && accountKeyFile != null) {
            stateDir = accountKeyFile.toAbsolutePath().getParent();
        }
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(preflight, "preflight");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(certificateId, "certificateId");
        certificates = List.copyOf(certificates);
        if (maxConcurrentOrders < 1) {
            throw new IllegalArgumentException("maxConcurrentOrders must be 1 or more: " + maxConcurrentOrders);
        }
        Objects.requireNonNull(accountKeyType, "accountKeyType");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(preferredChain, "preferredChain");
    }

    /** Whether Synapse's own certificate ({@code tls_certificate_path}) is kept valid. */
    public boolean managesDefaultCertificate() {
        return certificatePath != null && privateKeyPath != null && !domains.isEmpty();
    }

    /**
     * The settings of each certificate to keep valid, Synapse's own first: each one a copy
     * of these settings with the entry's names, paths, key type and delivery, and no
     * further entries.
     */
    public List<AcmeSettings> perCertificate() {
        List<AcmeSettings> all = new ArrayList<>();
        if (managesDefaultCertificate()) {
            all.add(certificates.isEmpty() ? this : forEntry(CertificateEntry.DEFAULT_ID, domains, certificatePath,
                    privateKeyPath, keyType, reload, verify, keystore, keepKey, profile, preferredChain));
        }
        for (CertificateEntry entry : certificates) {
            all.add(forEntry(entry.id(), entry.domains(), entry.certificatePath(), entry.privateKeyPath(),
                    entry.keyType().orElse(keyType), entry.reload(), entry.verify(), entry.keystore(),
                    entry.keepKey().orElse(keepKey), entry.profile().or(() -> profile),
                    entry.preferredChain().or(() -> preferredChain)));
        }
        return all;
    }

    private AcmeSettings forEntry(String id, List<String> names, Path certificate, Path key, KeyType type,
                                  Optional<ReloadSettings> reloadHook, Optional<VerifySettings> check,
                                  Optional<KeystoreSettings> store, boolean keep, Optional<String> chosenProfile,
                                  Optional<String> chain) {
        return new AcmeSettings(configFile, serverName, enabled, directoryUrl, port, bindAddresses,
                reprovisionThreshold, names, contacts, type, eab, caCertificates, accountKeyFile, certificate, key,
                fileGroup, keyFileMode, warnings, stateDir, reloadHook, check, store, preflight, id, List.of(),
                maxConcurrentOrders, accountKeyType, keep, chosenProfile, profileRequired, chain, status, alerts);
    }

    /** The name the certificate is issued for first: {@code acme.domain}, else {@code server_name}. */
    public String primaryDomain() {
        return domains.isEmpty() ? serverName : domains.get(0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings, to derive others from them (the admin command's dry
     * run: same names, other CA and paths). The warnings are not carried over.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.configFile = configFile;
        b.serverName = serverName;
        b.enabled = enabled;
        b.directoryUrl = directoryUrl;
        b.port = port;
        b.bindAddresses = bindAddresses;
        b.reprovisionThreshold = reprovisionThreshold;
        b.domains.addAll(domains);
        b.contacts.addAll(contacts);
        b.keyType = keyType;
        b.eab = eab.orElse(null);
        b.caCertificates = caCertificates.orElse(null);
        b.accountKeyFile = accountKeyFile;
        b.certificatePath = certificatePath;
        b.privateKeyPath = privateKeyPath;
        b.fileGroup = fileGroup.orElse(null);
        b.keyFileMode = keyFileMode.orElse(null);
        b.stateDir = stateDir;
        b.reload = reload.orElse(null);
        b.verify = verify.orElse(null);
        b.keystore = keystore.orElse(null);
        b.preflight = preflight;
        b.certificateId = certificateId;
        b.certificates.addAll(certificates);
        b.maxConcurrentOrders = maxConcurrentOrders;
        b.accountKeyType = accountKeyType;
        b.keepKey = keepKey;
        b.profile = profile.orElse(null);
        b.profileRequired = profileRequired;
        b.preferredChain = preferredChain.orElse(null);
        b.status = status;
        b.alerts = alerts;
        return b;
    }

    /** Builds settings by hand, with Synapse's defaults; for embedding and tests. */
    public static final class Builder {
        private Path configFile;
        private String serverName;
        private boolean enabled = true;
        private URI directoryUrl = LETS_ENCRYPT;
        private int port = DEFAULT_PORT;
        private List<String> bindAddresses = DEFAULT_BIND_ADDRESSES;
        private Duration reprovisionThreshold = DEFAULT_REPROVISION_THRESHOLD;
        private final List<String> domains = new ArrayList<>();
        private final List<String> contacts = new ArrayList<>();
        private KeyType keyType = DEFAULT_KEY_TYPE;
        private ExternalAccountBinding eab;
        private Path caCertificates;
        private Path accountKeyFile;
        private Path certificatePath;
        private Path privateKeyPath;
        private String fileGroup;
        private Set<PosixFilePermission> keyFileMode;
        private Path stateDir;
        private ReloadSettings reload;
        private VerifySettings verify;
        private KeystoreSettings keystore;
        private PreflightSettings preflight = PreflightSettings.DEFAULTS;
        private String certificateId = CertificateEntry.DEFAULT_ID;
        private final List<CertificateEntry> certificates = new ArrayList<>();
        private int maxConcurrentOrders = DEFAULT_MAX_CONCURRENT_ORDERS;
        private KeyType accountKeyType = DEFAULT_KEY_TYPE;
        private boolean keepKey;
        private String profile;
        private boolean profileRequired;
        private String preferredChain;
        private StatusSettings status = StatusSettings.DEFAULTS;
        private AlertSettings alerts = AlertSettings.DEFAULTS;

        private Builder() {
        }

        public Builder configFile(Path file) { this.configFile = file; return this; }
        public Builder serverName(String name) { this.serverName = name; return this; }
        public Builder enabled(boolean on) { this.enabled = on; return this; }
        public Builder directoryUrl(URI url) { this.directoryUrl = url; return this; }
        public Builder port(int p) { this.port = p; return this; }
        public Builder bindAddresses(List<String> addresses) { this.bindAddresses = addresses; return this; }
        public Builder reprovisionThreshold(Duration d) { this.reprovisionThreshold = d; return this; }
        public Builder domain(String name) { this.domains.add(name); return this; }
        public Builder contact(String email) { this.contacts.add(email); return this; }
        public Builder keyType(KeyType type) { this.keyType = type; return this; }
        public Builder eab(ExternalAccountBinding binding) { this.eab = binding; return this; }
        public Builder caCertificates(Path pem) { this.caCertificates = pem; return this; }
        public Builder accountKeyFile(Path file) { this.accountKeyFile = file; return this; }
        public Builder certificatePath(Path file) { this.certificatePath = file; return this; }
        public Builder privateKeyPath(Path file) { this.privateKeyPath = file; return this; }
        public Builder fileGroup(String group) { this.fileGroup = group; return this; }
        public Builder keyFileMode(Set<PosixFilePermission> mode) { this.keyFileMode = mode; return this; }
        public Builder stateDir(Path dir) { this.stateDir = dir; return this; }
        public Builder reload(ReloadSettings r) { this.reload = r; return this; }
        public Builder verify(VerifySettings v) { this.verify = v; return this; }
        public Builder keystore(KeystoreSettings k) { this.keystore = k; return this; }
        public Builder preflight(PreflightSettings p) { this.preflight = p; return this; }
        public Builder certificateId(String id) { this.certificateId = id; return this; }
        public Builder certificate(CertificateEntry entry) { this.certificates.add(entry); return this; }
        public Builder certificates(List<CertificateEntry> entries) {
            this.certificates.clear();
            this.certificates.addAll(entries);
            return this;
        }
        public Builder maxConcurrentOrders(int n) { this.maxConcurrentOrders = n; return this; }
        public Builder accountKeyType(KeyType type) { this.accountKeyType = type; return this; }
        public Builder keepKey(boolean keep) { this.keepKey = keep; return this; }
        public Builder profile(String name) { this.profile = name; return this; }
        public Builder profileRequired(boolean required) { this.profileRequired = required; return this; }
        public Builder preferredChain(String name) { this.preferredChain = name; return this; }
        public Builder status(StatusSettings s) { this.status = s; return this; }
        public Builder alerts(AlertSettings a) { this.alerts = a; return this; }

        public AcmeSettings build() {
            List<String> names = new ArrayList<>(domains);
            if (names.isEmpty() && serverName != null) {
                names.add(serverName);
            }
            return new AcmeSettings(configFile, serverName != null ? serverName : (names.isEmpty() ? null : names.get(0)),
                    enabled, directoryUrl, port, bindAddresses, reprovisionThreshold, names, contacts, keyType,
                    Optional.ofNullable(eab), Optional.ofNullable(caCertificates), accountKeyFile,
                    certificatePath, privateKeyPath, Optional.ofNullable(fileGroup),
                    Optional.ofNullable(keyFileMode), List.of(), stateDir,
                    Optional.ofNullable(reload), Optional.ofNullable(verify), Optional.ofNullable(keystore), preflight,
                    certificateId, certificates, maxConcurrentOrders,
                    accountKeyType, keepKey, Optional.ofNullable(profile), profileRequired,
                    Optional.ofNullable(preferredChain), status, alerts);
        }
    }
}
