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
import java.util.regex.Pattern;

/**
 * Everything needed to keep ONE certificate valid: its names and files, what to ask the CA
 * for, what to do after a new one is written, and the account and folders it shares with
 * the other certificates of the same config. Made by {@link ConfigLoader} (Synapse's own
 * certificate, then each entry of {@code acme.certificates}) or by hand with
 * {@link #builder()}. Immutable; all paths are absolute.
 *
 * @param id                   {@code default} for Synapse's own certificate, else the entry's id
 * @param domains              the names, the first one as the subject; lower case, no duplicates
 * @param certificatePath      where the chain is written ({@code tls_certificate_path} for Synapse's)
 * @param privateKeyPath       where the key is written ({@code tls_private_key_path} for Synapse's)
 * @param order                what to ask the CA for: key type, profile, chain
 * @param challenge            how the CA's challenges are answered: http-01, or dns-01 with its DNS settings
 * @param reprovisionThreshold {@code acme.reprovision_threshold}: renew at the latest this long before expiry
 * @param reload               what to signal or run after a new certificate is written
 * @param verify               where to check that the new certificate is served
 * @param keystore             a PKCS#12 copy of the certificate and key
 * @param account              the ACME account and CA, shared by all certificates of the config
 * @param files                how new files are created
 * @param stateDir             where the renewal state is kept ({@code acme.state_dir}, default the
 *                             account key's folder)
 * @param preflight            the self-test of the challenge path before an order
 * @param source               the config file these settings came from, for messages (none when built by hand)
 */
public record CertificateSettings(String id, List<String> domains, Path certificatePath, Path privateKeyPath,
        OrderSettings order, ChallengeSettings challenge, Duration reprovisionThreshold, Optional<ReloadSettings> reload,
        Optional<VerifySettings> verify, Optional<KeystoreSettings> keystore, AccountSettings account,
        FileSettings files, Path stateDir, PreflightSettings preflight, Optional<Path> source) {

    /** The id of Synapse's own certificate ({@code tls_certificate_path}). */
    public static final String DEFAULT_ID = "default";
    /** Ids become file names (state, pending key) and metric labels: keep them plain. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    public static final Duration DEFAULT_REPROVISION_THRESHOLD = Duration.ofDays(30);

    public CertificateSettings {
        Objects.requireNonNull(id, "id");
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one name: " + id);
        }
        Objects.requireNonNull(certificatePath, "certificatePath");
        Objects.requireNonNull(privateKeyPath, "privateKeyPath");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(challenge, "challenge");
        if (!challenge.allowsWildcards()) {
            domains.stream().filter(d -> d.startsWith("*.")).findFirst().ifPresent(d -> {
                throw new IllegalArgumentException("the wildcard name " + d + " of " + id + " needs dns-01, not "
                        + challenge.type());
            });
        }
        Objects.requireNonNull(reprovisionThreshold, "reprovisionThreshold");
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(preflight, "preflight");
        Objects.requireNonNull(source, "source");
        if (stateDir == null && account.accountKeyFile() != null) {
            stateDir = account.accountKeyFile().toAbsolutePath().getParent();
        }
    }

    /** {@code "<file>: "} for messages that name a setting, or nothing when built by hand. */
    public String inFile() {
        return source.map(file -> file + ": ").orElse("");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive others (the admin command's dry run: other CA and paths). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.domains.addAll(domains);
        b.certificatePath = certificatePath;
        b.privateKeyPath = privateKeyPath;
        b.order = order;
        b.challenge = challenge;
        b.reprovisionThreshold = reprovisionThreshold;
        b.reload = reload.orElse(null);
        b.verify = verify.orElse(null);
        b.keystore = keystore.orElse(null);
        b.directoryUrl = account.directoryUrl();
        b.contacts.addAll(account.contacts());
        b.eab = account.eab().orElse(null);
        b.caCertificates = account.caCertificates().orElse(null);
        b.accountKeyFile = account.accountKeyFile();
        b.accountKeyType = account.accountKeyType();
        b.files = files;
        b.stateDir = stateDir;
        b.preflight = preflight;
        b.source = source.orElse(null);
        return b;
    }

    /** Builds settings by hand, with the defaults of the config file; for embedding and tests. */
    public static final class Builder {
        private String id = DEFAULT_ID;
        private final List<String> domains = new ArrayList<>();
        private Path certificatePath;
        private Path privateKeyPath;
        private OrderSettings order = OrderSettings.DEFAULTS;
        private ChallengeSettings challenge = ChallengeSettings.DEFAULTS;
        private Duration reprovisionThreshold = DEFAULT_REPROVISION_THRESHOLD;
        private ReloadSettings reload;
        private VerifySettings verify;
        private KeystoreSettings keystore;
        private URI directoryUrl = AccountSettings.LETS_ENCRYPT;
        private final List<String> contacts = new ArrayList<>();
        private ExternalAccountBinding eab;
        private Path caCertificates;
        private Path accountKeyFile;
        private KeyType accountKeyType = KeyType.DEFAULT;
        private FileSettings files = FileSettings.DEFAULTS;
        private Path stateDir;
        private PreflightSettings preflight = PreflightSettings.DEFAULTS;
        private Path source;

        private Builder() {
        }

        public Builder id(String value) { this.id = value; return this; }
        public Builder domain(String name) { this.domains.add(name); return this; }
        public Builder domains(List<String> names) { this.domains.clear(); this.domains.addAll(names); return this; }
        public Builder certificatePath(Path file) { this.certificatePath = file; return this; }
        public Builder privateKeyPath(Path file) { this.privateKeyPath = file; return this; }
        public Builder order(OrderSettings value) { this.order = value; return this; }
        public Builder keyType(KeyType type) {
            return order(new OrderSettings(type, order.keepKey(), order.profile(), order.profileRequired(),
                    order.preferredChain()));
        }
        public Builder keepKey(boolean keep) {
            return order(new OrderSettings(order.keyType(), keep, order.profile(), order.profileRequired(),
                    order.preferredChain()));
        }
        public Builder profile(String name) {
            return order(new OrderSettings(order.keyType(), order.keepKey(), Optional.ofNullable(name),
                    order.profileRequired(), order.preferredChain()));
        }
        public Builder profileRequired(boolean required) {
            return order(new OrderSettings(order.keyType(), order.keepKey(), order.profile(), required,
                    order.preferredChain()));
        }
        public Builder preferredChain(String name) {
            return order(new OrderSettings(order.keyType(), order.keepKey(), order.profile(), order.profileRequired(),
                    Optional.ofNullable(name)));
        }
        public Builder challenge(ChallengeSettings value) { this.challenge = value; return this; }
        /** dns-01 through {@code dns}. */
        public Builder dns01(DnsSettings dns) { return challenge(ChallengeSettings.dns01(dns)); }
        public Builder reprovisionThreshold(Duration d) { this.reprovisionThreshold = d; return this; }
        public Builder reload(ReloadSettings r) { this.reload = r; return this; }
        public Builder verify(VerifySettings v) { this.verify = v; return this; }
        public Builder keystore(KeystoreSettings k) { this.keystore = k; return this; }
        public Builder directoryUrl(URI url) { this.directoryUrl = url; return this; }
        public Builder contact(String email) { this.contacts.add(email); return this; }
        public Builder eab(ExternalAccountBinding binding) { this.eab = binding; return this; }
        public Builder caCertificates(Path pem) { this.caCertificates = pem; return this; }
        public Builder accountKeyFile(Path file) { this.accountKeyFile = file; return this; }
        public Builder accountKeyType(KeyType type) { this.accountKeyType = type; return this; }
        public Builder files(FileSettings value) { this.files = value; return this; }
        public Builder fileGroup(String group) {
            return files(new FileSettings(Optional.ofNullable(group), files.keyFileMode()));
        }
        public Builder keyFileMode(Set<PosixFilePermission> mode) {
            return files(new FileSettings(files.group(), Optional.ofNullable(mode)));
        }
        public Builder stateDir(Path dir) { this.stateDir = dir; return this; }
        public Builder preflight(PreflightSettings p) { this.preflight = p; return this; }
        public Builder source(Path file) { this.source = file; return this; }

        /** The account these settings name, for a hand-built {@link AcmeConfig} around them. */
        public AccountSettings account() {
            return new AccountSettings(directoryUrl, contacts, Optional.ofNullable(eab),
                    Optional.ofNullable(caCertificates), accountKeyFile, accountKeyType);
        }

        public CertificateSettings build() {
            return new CertificateSettings(id, domains, certificatePath, privateKeyPath, order, challenge,
                    reprovisionThreshold,
                    Optional.ofNullable(reload), Optional.ofNullable(verify), Optional.ofNullable(keystore),
                    account(), files, stateDir, preflight, Optional.ofNullable(source));
        }
    }
}
