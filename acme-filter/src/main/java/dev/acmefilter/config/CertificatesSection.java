package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which certificates a config keeps valid: Synapse's own ({@code server_name} or
 * {@code acme.domain} and {@code acme.domains}, written to {@code tls_certificate_path} and
 * {@code tls_private_key_path}, delivered as {@code acme.reload}, {@code acme.verify} and
 * {@code acme.keystore} say), then each entry of {@code acme.certificates}. Two certificates
 * may never share a file: each would overwrite the other.
 */
final class CertificatesSection {

    /** The keys of {@code acme:} this section reads. */
    static final List<String> KEYS = List.of("domain", "domains", "reload", "verify", "keystore", "certificates");
    /** Names in one certificate: Let's Encrypt's limit, and most CAs'. */
    static final int MAX_NAMES = 100;

    private static final List<String> ENTRY_KEYS = Stream.of(
            List.of("id", "domains", "certificate_path", "private_key_path"), OrderSettings.ENTRY_KEYS,
            ChallengeSettings.KEYS, List.of("reload", "verify", "keystore")).flatMap(List::stream).toList();
    private static final String ENTRY_EXPECTED = "a mapping with " + String.join(", ", ENTRY_KEYS);
    private static final String ID_EXPECTED = "a short name of lower-case letters, digits, '.', '_' or '-', "
            + "such as element";
    private static final String SERVER_NAME_EXPECTED = "the homeserver's public name";
    private static final Pattern SERVER_NAME_PORT = Pattern.compile("([^:]+):[0-9]{1,5}");

    /**
     * What every certificate of the file shares, and the defaults of what an entry may set
     * itself ({@code order}).
     */
    record Shared(AccountSettings account, OrderSettings order, ChallengeSettings challenge,
                  Duration reprovisionThreshold, FileSettings files, Path stateDir, PreflightSettings preflight,
                  Optional<Path> source) {
    }

    private CertificatesSection() {
    }

    /** Synapse's {@code server_name}, as the admin wrote it (null when absent). */
    static String serverName(Section top) {
        return top.string("server_name", SERVER_NAME_EXPECTED);
    }

    static List<CertificateSettings> parse(Section top, Section acme, boolean enabled, Shared shared) {
        String serverName = serverName(top);
        Path certificatePath = top.path("tls_certificate_path");
        Path privateKeyPath = top.path("tls_private_key_path");
        // with further certificates listed, Synapse's own is optional: the container may front other sites only
        boolean othersListed = acme.get("certificates") instanceof List<?> listed && !listed.isEmpty();
        if (enabled && othersListed && certificatePath == null && privateKeyPath == null) {
            top.note("tls_certificate_path and tls_private_key_path are not set: only the certificates under "
                    + "acme.certificates are kept valid");
        } else if (enabled) {
            requirePresent(top, "server_name", serverName, SERVER_NAME_EXPECTED);
            requirePresent(top, "tls_certificate_path", certificatePath,
                    "the file Synapse reads its TLS certificate from");
            requirePresent(top, "tls_private_key_path", privateKeyPath,
                    "the file Synapse reads its TLS private key from");
        }
        List<String> domains = domains(top, acme, enabled, serverName, shared.challenge());
        Supplier<Optional<Path>> pidFile = () -> Optional.ofNullable(top.path("pid_file"));
        Optional<ReloadSettings> reload = ReloadSettings.parse(acme, pidFile);
        String firstDomain = firstSpelledOut(domains);
        Optional<VerifySettings> verify = VerifySettings.parse(acme, firstDomain,
                () -> VerifySettings.fromListeners(top, firstDomain));
        Optional<KeystoreSettings> keystore = KeystoreSettings.parse(acme, certificatePath, privateKeyPath);

        List<CertificateSettings> all = new ArrayList<>();
        if (certificatePath != null && privateKeyPath != null && !domains.isEmpty()) {
            all.add(certificate(shared, CertificateSettings.DEFAULT_ID, domains, certificatePath, privateKeyPath,
                    shared.order(), shared.challenge(), reload, verify, keystore));
        }
        Map<Path, Owner> owners = new HashMap<>();
        claim(acme, owners, shared.account().accountKeyFile(), "account_key_file", null);
        String synapse = CertificateSettings.DEFAULT_ID;
        if (certificatePath != null) {
            claim(top, owners, certificatePath, "tls_certificate_path", synapse);
        }
        if (privateKeyPath != null) {
            claim(top, owners, privateKeyPath, "tls_private_key_path", synapse);
        }
        keystore.ifPresent(k -> claim(acme, owners, k.path(), "keystore.path", null));
        Set<String> ids = new LinkedHashSet<>();
        for (Section entry : acme.sections("certificates", "a list of certificates, each " + ENTRY_EXPECTED,
                ENTRY_EXPECTED, ENTRY_KEYS)) {
            all.add(entry(entry, ids, owners, shared, pidFile));
        }
        if (acme.has("dns") && all.stream().noneMatch(c -> c.challenge().dns01().isPresent())) {
            acme.warn(acme.key("dns") + ": ignored: no certificate is answered with dns-01 (set "
                    + acme.key("challenge") + ": dns-01)");
        }
        return all;
    }

    private static CertificateSettings entry(Section entry, Set<String> ids, Map<Path, Owner> owners, Shared shared,
                                             Supplier<Optional<Path>> pidFile) {
        String id = entry.string("id", ID_EXPECTED);
        if (id == null) {
            throw entry.valueError("id", "missing", ID_EXPECTED);
        }
        if (!CertificateSettings.ID.matcher(id).matches()) {
            throw entry.valueError("id", Shown.quote(id) + " is not a plain name", ID_EXPECTED);
        }
        if (id.equals(CertificateSettings.DEFAULT_ID)) {
            throw entry.valueError("id", Shown.quote(id) + " is the name of Synapse's own certificate "
                    + "(tls_certificate_path)", "another name");
        }
        if (!ids.add(id)) {
            throw entry.valueError("id", Shown.quote(id) + " is already the id of another certificate",
                    "a name used once");
        }
        if (entry.get("domains") == null) {
            throw entry.valueError("domains", "missing", "a list of DNS names for the certificate");
        }
        ChallengeSettings challenge = ChallengeSettings.parse(entry, shared.challenge());
        if (entry.has("dns") && challenge.dns01().isEmpty()) {
            entry.warn(entry.key("dns") + ": ignored: the certificate is answered with http-01 (set "
                    + entry.key("challenge") + ": dns-01)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : entry.strings("domains", "a list of DNS names", false)) {
            names.add(entry.dnsName("domains", name, challenge));
        }
        if (names.isEmpty()) {
            throw entry.valueError("domains", "the list is empty", "one DNS name or more");
        }
        if (names.size() > MAX_NAMES) {
            throw entry.valueError("domains", names.size() + " names", "at most " + MAX_NAMES
                    + " (the limit of Let's Encrypt and most CAs)");
        }
        Path certificate = entry.requiredPath("certificate_path", "the file the certificate chain is written to");
        Path key = entry.requiredPath("private_key_path", "the file the private key is written to");
        claim(entry, owners, certificate, "certificate_path", id);
        claim(entry, owners, key, "private_key_path", id);
        OrderSettings order = OrderSettings.parse(entry, shared.order());
        Optional<ReloadSettings> reload = ReloadSettings.parse(entry, pidFile);
        Optional<VerifySettings> verify = VerifySettings.parse(entry, firstSpelledOut(List.copyOf(names)),
                Optional::empty);
        Optional<KeystoreSettings> keystore = KeystoreSettings.parse(entry, certificate, key);
        keystore.ifPresent(k -> claim(entry, owners, k.path(), "keystore.path", null));
        return certificate(shared, id, List.copyOf(names), certificate, key, order, challenge, reload, verify,
                keystore);
    }

    private static CertificateSettings certificate(Shared shared, String id, List<String> domains, Path certificate,
                                                   Path key, OrderSettings order, ChallengeSettings challenge,
                                                   Optional<ReloadSettings> reload, Optional<VerifySettings> verify,
                                                   Optional<KeystoreSettings> keystore) {
        return new CertificateSettings(id, domains, certificate, key, order, challenge, shared.reprovisionThreshold(),
                reload, verify, keystore, shared.account(), shared.files(), shared.stateDir(), shared.preflight(),
                shared.source());
    }

    /** The first name that is not a wildcard: the default SNI name of a live verification ({@code *} is no host). */
    private static String firstSpelledOut(List<String> domains) {
        return domains.stream().filter(d -> !d.startsWith("*.")).findFirst().orElse(null);
    }

    /** Which setting claimed a file, and for which certificate's pair (null: not a certificate or key). */
    private record Owner(String key, String certificate) {
    }

    /**
     * Every file written (certificates, keys, keystores, the account key) must be a file of its
     * own: two settings naming one file would overwrite each other.
     */
    private static void claim(Section section, Map<Path, Owner> owners, Path path, String name, String certificate) {
        Owner owner = owners.putIfAbsent(path, new Owner(section.key(name), certificate));
        if (owner != null) {
            boolean twoCertificates = certificate != null && owner.certificate() != null
                    && !certificate.equals(owner.certificate());
            throw section.valueError(name, Shown.quote(path.toString()) + " is also " + owner.key(),
                    "a file of its own: two " + (twoCertificates ? "certificates" : "settings")
                            + " writing one file would overwrite each other");
        }
    }

    private static void requirePresent(Section top, String name, Object value, String expected) {
        if (value == null) {
            throw top.valueError(name, "missing", expected + ", required when acme.enabled is true");
        }
    }

    /**
     * {@code acme.domain} (default: {@code server_name} without a {@code :port}) first,
     * then {@code acme.domains}; normalized and without duplicates.
     */
    private static List<String> domains(Section top, Section acme, boolean enabled, String serverName,
                                        ChallengeSettings challenge) {
        Set<String> names = new LinkedHashSet<>();
        String domain = acme.string("domain", DnsNames.EXPECTED);
        if (domain != null) {
            names.add(acme.dnsName("domain", domain, challenge));
        } else if (serverName != null) {
            String host = hostOfServerName(serverName);
            Optional<String> problem = DnsNames.problem(host);
            if (problem.isEmpty()) {
                names.add(host);
            } else if (enabled) {
                throw top.error("server_name", problem.get()
                        + " (or set acme.domain to the name the certificate is for)");
            }
            // with ACME disabled an IP server_name is fine: no certificate will be ordered
        }
        for (String extra : acme.strings("domains", "a list of DNS names", false)) {
            names.add(acme.dnsName("domains", extra, challenge));
        }
        if (names.size() > MAX_NAMES) {
            throw acme.valueError("domains", names.size() + " names with acme.domain", "at most " + MAX_NAMES
                    + " (the limit of Let's Encrypt and most CAs); list further names under acme.certificates");
        }
        return List.copyOf(names);
    }

    /** Synapse's server_name may carry a federation port ({@code example.org:8448}); the certificate may not. */
    private static String hostOfServerName(String serverName) {
        String name = DnsNames.normalize(serverName);
        if (name.startsWith("[")) { // [IPv6] or [IPv6]:port
            int close = name.indexOf(']');
            return close > 0 ? name.substring(0, close + 1) : name;
        }
        Matcher m = SERVER_NAME_PORT.matcher(name);
        return m.matches() ? m.group(1) : name;
    }
}
