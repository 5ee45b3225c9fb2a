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
        PreflightSettings preflight) {

    /** Let's Encrypt's production ACME v2 directory: Synapse's default CA. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Let's Encrypt's staging ACME v2 directory. */
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    public static final int DEFAULT_PORT = 80;
    public static final List<String> DEFAULT_BIND_ADDRESSES = List.of("::", "0.0.0.0");
    public static final Duration DEFAULT_REPROVISION_THRESHOLD = Duration.ofDays(30);
    public static final KeyType DEFAULT_KEY_TYPE = KeyType.EC256;

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
                    Optional.ofNullable(reload), Optional.ofNullable(verify), Optional.ofNullable(keystore), preflight);
        }
    }
}
