package dev.acmefilter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the ACME settings from the admin's existing Synapse {@code homeserver.yaml}, so
 * that the admin keeps one config file: Synapse's own {@code server_name},
 * {@code tls_certificate_path}, {@code tls_private_key_path} and its (former) {@code acme:}
 * section with Synapse's defaults, plus a few new optional keys under {@code acme:}.
 *
 * <p>Every wrong value fails the whole load with one {@link ConfigException} whose message
 * names the file and the dotted key, and says what was expected:
 * {@code <file>: <key>: <problem>; expected <what>}, or for a value of the wrong YAML type
 * {@code <file>: <key>: expected <what>, found <what was there>}. Things that are accepted
 * but suspicious (unknown keys under {@code acme:}, the retired ACME v1 URLs) become
 * {@link AcmeSettings#warnings() warnings}, which are also logged. The EAB MAC key never
 * appears in a message or a log line.
 *
 * <p>The file is parsed with SnakeYAML's safe constructor only (plain maps, lists and
 * scalars; no arbitrary classes). SnakeYAML speaks YAML 1.1 like Synapse's PyYAML, so
 * {@code 0640} is the octal number 416 and {@code yes}/{@code off} are booleans.
 */
public final class HomeserverConfig {
    private static final System.Logger LOG = System.getLogger(HomeserverConfig.class.getName());

    /** Let's Encrypt's retired ACME v1 directories, which old Synapse configs still name. */
    static final String V1_PRODUCTION = "https://acme-v01.api.letsencrypt.org/directory";
    static final String V1_STAGING = "https://acme-staging.api.letsencrypt.org/directory";

    /** The keys known under {@code acme:}: Synapse's own, then ours. Anything else is a warning. */
    private static final List<String> ACME_KEYS_IN_ORDER = List.of(
            "enabled", "url", "port", "bind_addresses", "reprovision_threshold", "domain", "account_key_file",
            "domains", "contact", "key_type", "eab", "ca_certificates", "file_group", "key_file_mode", "state_dir",
            "reload", "verify", "keystore", "preflight", "certificates", "max_concurrent_orders",
            "account_key_type", "keep_key", "profile", "profile_required", "preferred_chain",
            "status", "alerts");
    private static final Set<String> ACME_KEYS = Set.copyOf(ACME_KEYS_IN_ORDER);
    private static final Set<String> EAB_KEYS = Set.of("kid", "hmac_key");

    private static final String URL_EXPECTED = "an absolute https:// URL of the CA's ACME v2 directory, such as "
            + AcmeSettings.LETS_ENCRYPT;
    /** Names in one certificate: Let's Encrypt's limit, and most CAs'. */
    static final int MAX_NAMES = 100;
    private static final String PORT_EXPECTED = "an integer from 1 to 65535";
    private static final String DAYS_EXPECTED = "a whole number of days, 1 or more";
    private static final String MODE_EXPECTED = "0600 or 0640 (owner read and write, group at most read, "
            + "others nothing)";
    private static final Pattern EMAIL = Pattern.compile("([^@\\s<>,;:\"()\\[\\]]+)@([^@\\s]+)");
    private static final Pattern OCTAL_MODE = Pattern.compile("(?:0o|0O)?([0-7]{3,4})");
    private static final Pattern SERVER_NAME_PORT = Pattern.compile("([^:]+):[0-9]{1,5}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    private final Path file;
    private final Path folder;
    private final List<String> warnings = new ArrayList<>();
    private final boolean logged;

    private HomeserverConfig(Path file, boolean logged) {
        this.logged = logged;
        this.file = file;
        Path parent = file.getParent();
        this.folder = parent != null ? parent : file.getRoot();
    }

    /**
     * Loads and checks the ACME settings from a Synapse {@code homeserver.yaml}.
     *
     * @param file the config file; relative paths inside it are resolved against its folder
     * @return the settings, with absolute normalized paths and Synapse's defaults filled in
     * @throws ConfigException when the file cannot be read or parsed, or any value is wrong
     */
    public static AcmeSettings load(Path file) {
        return load(file, true);
    }

    /**
     * {@link #load(Path)} without logging its warnings: for a read-ahead (the start-up
     * warm-up) whose results and errors the real load reports.
     */
    public static AcmeSettings loadQuietly(Path file) {
        return load(file, false);
    }

    private static AcmeSettings load(Path file, boolean logged) {
        Objects.requireNonNull(file, "file");
        HomeserverConfig config = new HomeserverConfig(file.toAbsolutePath().normalize(), logged);
        return config.settings(config.readTopLevel());
    }

    // ---------------------------------------------------------------- file level

    private Map<?, ?> readTopLevel() {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory; expected Synapse's homeserver.yaml file");
        }
        Object document;
        try (InputStream in = Files.newInputStream(file)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file; expected Synapse's homeserver.yaml file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": the file cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": the file cannot be read: " + e, e);
        } catch (MarkedYAMLException e) {
            // getMessage() would quote the offending line, which may hold a secret: use only the problem
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem();
            if (mentionsSecret(mark) || mentionsSecret(e.getContextMark())) {
                // problems about aliases, anchors and tags echo the token, which could be the MAC key
                problem = "this part cannot be parsed (details hidden, as it may hold acme.eab.hmac_key or "
                        + "acme.keystore.password)";
            }
            throw new ConfigException(file + ": not valid YAML" + where + ": " + problem);
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
        if (document instanceof Map<?, ?> map) {
            return map;
        }
        throw new ConfigException(file + ": expected a mapping of Synapse settings at the top level, found "
                + (document == null ? "an empty document" : describe(document)));
    }

    /** Whether the line a parser error points at (or the one before it) is the secret {@code hmac_key}. */
    private boolean mentionsSecret(Mark mark) {
        if (mark == null) {
            return false;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.skip(Math.max(0, mark.getLine() - 1)).limit(2)
                    .anyMatch(l -> l.contains("hmac_key") || l.contains("password"));
        } catch (IOException | UncheckedIOException e) {
            return true; // cannot tell: hide the detail
        }
    }

    // ---------------------------------------------------------------- settings

    private AcmeSettings settings(Map<?, ?> top) {
        Object acmeValue = top.get("acme");
        Map<?, ?> acme;
        if (acmeValue == null) {
            acme = Map.of();
        } else if (acmeValue instanceof Map<?, ?> map) {
            acme = map;
        } else {
            throw typeError("acme", "a mapping of ACME settings", acmeValue);
        }
        warnAboutUnknownKeys("acme", acme, ACME_KEYS, String.join(", ", ACME_KEYS_IN_ORDER));

        boolean enabled = bool("acme.enabled", acme.get("enabled"), false);
        String serverName = string("server_name", top.get("server_name"), "the homeserver's public name");
        Path certificatePath = path("tls_certificate_path", top.get("tls_certificate_path"));
        Path privateKeyPath = path("tls_private_key_path", top.get("tls_private_key_path"));
        // with further certificates listed, Synapse's own is optional: the container may front other sites only
        boolean othersListed = acme.get("certificates") instanceof List<?> listed && !listed.isEmpty();
        if (enabled && othersListed && certificatePath == null && privateKeyPath == null) {
            if (logged) {
                LOG.log(System.Logger.Level.INFO, file + ": tls_certificate_path and tls_private_key_path are not set: "
                        + "only the certificates under acme.certificates are kept valid");
            }
        } else if (enabled) {
            requirePresent("server_name", serverName, "the homeserver's public name");
            requirePresent("tls_certificate_path", certificatePath, "the file Synapse reads its TLS certificate from");
            requirePresent("tls_private_key_path", privateKeyPath, "the file Synapse reads its TLS private key from");
        }

        URI directoryUrl = directoryUrl(acme.get("url"));
        int port = port(acme.get("port"));
        List<String> bindAddresses = bindAddresses(acme.get("bind_addresses"));
        Duration threshold = reprovisionThreshold(acme.get("reprovision_threshold"));
        List<String> domains = domains(enabled, serverName, acme.get("domain"), acme.get("domains"));
        List<String> contacts = contacts(acme.get("contact"));
        KeyType keyType = keyType("acme.key_type", acme.get("key_type"));
        Optional<ExternalAccountBinding> eab = eab(acme.get("eab"));
        Optional<Path> caCertificates = caCertificates(acme.get("ca_certificates"));
        Path accountKeyFile = path("acme.account_key_file", acme.get("account_key_file"));
        if (accountKeyFile == null) {
            accountKeyFile = folder.resolve("client.key"); // Synapse's default
        }
        Optional<String> fileGroup = fileGroup(acme.get("file_group"));
        Optional<Set<PosixFilePermission>> keyFileMode = keyFileMode(acme.get("key_file_mode"));
        Path stateDir = path("acme.state_dir", acme.get("state_dir"));

        Optional<ReloadSettings> reload = reload("acme", top, acme);
        Optional<VerifySettings> verify = verify("acme", acme, domains.isEmpty() ? null : domains.get(0));
        Optional<KeystoreSettings> keystore = keystore("acme", acme, certificatePath, privateKeyPath);
        PreflightSettings preflight = preflight(acme.get("preflight"));
        List<CertificateEntry> certificates = certificates(top, acme.get("certificates"), keyType,
                certificatePath, privateKeyPath);
        int maxConcurrentOrders = maxConcurrentOrders(acme.get("max_concurrent_orders"));

        KeyType accountKeyType = keyType("acme.account_key_type", acme.get("account_key_type"));
        boolean keepKey = bool("acme.keep_key", acme.get("keep_key"), false);
        Optional<String> profile = profile("acme.profile", acme.get("profile"));
        boolean profileRequired = profileRequired("acme.profile_required", acme.get("profile_required"), profile);
        Optional<String> preferredChain = preferredChain("acme.preferred_chain", acme.get("preferred_chain"));
        StatusSettings status = StatusSection.parse(this, acme.get("status"));
        AlertSettings alerts = AlertsSection.parse(this, acme.get("alerts"));

        return new AcmeSettings(file, serverName, enabled, directoryUrl, port, bindAddresses, threshold, domains,
                contacts, keyType, eab, caCertificates, accountKeyFile, certificatePath, privateKeyPath, fileGroup,
                keyFileMode, warnings, stateDir, reload, verify, keystore, preflight, CertificateEntry.DEFAULT_ID,
                certificates, maxConcurrentOrders, accountKeyType, keepKey, profile, profileRequired, preferredChain,
                status, alerts);
    }

    private URI directoryUrl(Object value) {
        String text = string("acme.url", value, URL_EXPECTED);
        if (text == null) {
            return AcmeSettings.LETS_ENCRYPT;
        }
        text = text.trim();
        String withoutSlash = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (withoutSlash.equals(V1_PRODUCTION) || withoutSlash.equals(V1_STAGING)) {
            URI v2 = withoutSlash.equals(V1_PRODUCTION) ? AcmeSettings.LETS_ENCRYPT : AcmeSettings.LETS_ENCRYPT_STAGING;
            warn("acme.url: " + text + " is Let's Encrypt's ACME v1 directory, and ACME v1 is switched off; using "
                    + "the ACME v2 directory " + v2 + " instead (put that URL into the file to silence this warning)");
            return v2;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw valueError("acme.url", quote(text) + " is not a URL", URL_EXPECTED);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw valueError("acme.url", quote(text) + " is not an absolute URL", URL_EXPECTED);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw valueError("acme.url", quote(text) + " does not use https", URL_EXPECTED);
        }
        return uri;
    }

    private int port(Object value) {
        if (value == null) {
            return AcmeSettings.DEFAULT_PORT;
        }
        BigInteger n = integer("acme.port", value, PORT_EXPECTED);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(65535)) > 0) {
            throw valueError("acme.port", show(value) + " is not a port number", PORT_EXPECTED);
        }
        return n.intValue();
    }

    private List<String> bindAddresses(Object value) {
        if (value == null) {
            return AcmeSettings.DEFAULT_BIND_ADDRESSES;
        }
        String expected = "a list of IP addresses such as ['::', '0.0.0.0']";
        List<String> addresses = new ArrayList<>();
        for (String entry : stringList("acme.bind_addresses", value, expected)) {
            String address = entry.trim();
            if (!DnsNames.isIpv4(address) && !DnsNames.isIpv6(address)) {
                throw valueError("acme.bind_addresses", quote(entry) + " is not an IP address",
                        "literal IPv4 or IPv6 addresses such as '::' or '0.0.0.0', not host names");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw valueError("acme.bind_addresses", "the list is empty", expected);
        }
        return addresses;
    }

    private Duration reprovisionThreshold(Object value) {
        if (value == null) {
            return AcmeSettings.DEFAULT_REPROVISION_THRESHOLD;
        }
        BigInteger days = integer("acme.reprovision_threshold", value, DAYS_EXPECTED);
        // more than a century is surely a typo, and keeps Duration far from overflowing
        if (days == null || days.signum() <= 0 || days.compareTo(BigInteger.valueOf(36_500)) > 0) {
            throw valueError("acme.reprovision_threshold", show(value) + " is not a sensible number of days",
                    DAYS_EXPECTED);
        }
        return Duration.ofDays(days.longValue());
    }

    /**
     * {@code acme.domain} (default: {@code server_name} without a {@code :port}) first,
     * then {@code acme.domains}; normalized and without duplicates.
     */
    private List<String> domains(boolean enabled, String serverName, Object domainValue, Object domainsValue) {
        Set<String> names = new LinkedHashSet<>();
        String domain = string("acme.domain", domainValue, DnsNames.EXPECTED);
        if (domain != null) {
            names.add(dnsName("acme.domain", domain));
        } else if (serverName != null) {
            String host = hostOfServerName(serverName);
            Optional<String> problem = DnsNames.problem(host);
            if (problem.isEmpty()) {
                names.add(host);
            } else if (enabled) {
                throw new ConfigException(file + ": server_name: " + problem.get()
                        + " (or set acme.domain to the name the certificate is for)");
            }
            // with ACME disabled an IP server_name is fine: no certificate will be ordered
        }
        if (domainsValue != null) {
            for (String extra : stringList("acme.domains", domainsValue, "a list of DNS names")) {
                names.add(dnsName("acme.domains", extra));
            }
        }
        if (names.size() > MAX_NAMES) {
            throw valueError("acme.domains", names.size() + " names with acme.domain", "at most " + MAX_NAMES
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

    private String dnsName(String key, String raw) {
        String name = DnsNames.normalize(raw);
        Optional<String> problem = DnsNames.problem(name);
        if (problem.isPresent()) {
            throw new ConfigException(file + ": " + key + ": " + problem.get());
        }
        return name;
    }

    private List<String> contacts(Object value) {
        if (value == null) {
            return List.of();
        }
        String expected = "an e-mail address such as admin@example.org, or a list of them";
        List<String> raw = value instanceof String s ? List.of(s) : stringList("acme.contact", value, expected);
        Set<String> contacts = new LinkedHashSet<>();
        for (String entry : raw) {
            String address = entry.trim();
            if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
                address = address.substring(7).trim();
            }
            Matcher m = EMAIL.matcher(address);
            if (!m.matches() || m.group(2).endsWith(".")
                    || DnsNames.problem(DnsNames.normalize(m.group(2))).isPresent()) {
                throw valueError("acme.contact", quote(entry) + " is not an e-mail address", expected);
            }
            contacts.add(address);
        }
        return List.copyOf(contacts);
    }

    private KeyType keyType(Object value) {
        return keyType("acme.key_type", value);
    }

    /** {@code acme.key_type}, {@code acme.account_key_type} (and the same key in a per-certificate entry). */
    private KeyType keyType(String key, Object value) {
        String expected = "one of " + KeyType.acceptedNames();
        String name = string(key, value, expected);
        if (name == null) {
            return AcmeSettings.DEFAULT_KEY_TYPE;
        }
        return KeyType.fromConfigName(name).orElseThrow(
                () -> valueError(key, quote(name) + " is not a supported key type", expected));
    }

    /**
     * The MAC key is checked for base64url (RFC 8555 and acme4j) or, since some CAs show
     * it that way, standard base64, and stored re-encoded as unpadded base64url. It is
     * never put into a message.
     */
    private Optional<ExternalAccountBinding> eab(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> eab)) {
            throw typeError("acme.eab", "a mapping with kid and hmac_key", value);
        }
        warnAboutUnknownKeys("acme.eab", eab, EAB_KEYS, "kid, hmac_key");
        String kidExpected = "the key identifier (kid) your CA gave you, as a string";
        String kid = string("acme.eab.kid", eab.get("kid"), kidExpected);
        if (kid == null || kid.isBlank()) {
            throw valueError("acme.eab.kid", kid == null ? "missing" : "empty", kidExpected);
        }
        String macExpected = "the MAC key (hmac_key) your CA gave you, in base64url or base64";
        Object macValue = eab.get("hmac_key");
        if (macValue != null && !(macValue instanceof String)) {
            throw new ConfigException(file + ": acme.eab.hmac_key: expected " + macExpected + ", found "
                    + describeType(macValue));
        }
        String mac = macValue == null ? null : ((String) macValue).trim();
        if (mac == null || mac.isEmpty()) {
            throw valueError("acme.eab.hmac_key", mac == null ? "missing" : "empty", macExpected);
        }
        byte[] key = null;
        try {
            if (BASE64URL.matcher(mac).matches()) {
                key = Base64.getUrlDecoder().decode(mac);
            } else if (BASE64.matcher(mac).matches()) {
                key = Base64.getDecoder().decode(mac);
            }
        } catch (IllegalArgumentException e) {
            key = null; // wrong length or padding; the exception text is not passed on
        }
        if (key == null || key.length == 0) {
            throw valueError("acme.eab.hmac_key", "the value is not valid base64url or base64", macExpected);
        }
        return Optional.of(new ExternalAccountBinding(kid.trim(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
    }

    private Optional<Path> caCertificates(Object value) {
        Path pem = path("acme.ca_certificates", value);
        if (pem == null) {
            return Optional.empty();
        }
        String expected = "a readable PEM file with at least one X.509 CA certificate";
        String key = "acme.ca_certificates";
        if (!Files.exists(pem)) {
            throw valueError(key, quote(pem.toString()) + " does not exist", expected);
        }
        if (Files.isDirectory(pem)) {
            throw valueError(key, quote(pem.toString()) + " is a directory", expected);
        }
        if (!Files.isReadable(pem)) {
            throw valueError(key, quote(pem.toString()) + " cannot be read", expected);
        }
        Collection<? extends Certificate> certificates;
        try {
            byte[] content = Files.readAllBytes(pem);
            if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
                // the JDK would say "No certificate data found", or accept a DER file; we ask for PEM
                throw valueError(key, quote(pem.toString()) + " contains no certificates", expected);
            }
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new ConfigException(file + ": " + key + ": " + quote(pem.toString()) + " cannot be read (" + e
                    + "); expected " + expected, e);
        } catch (CertificateException e) {
            throw new ConfigException(file + ": " + key + ": " + quote(pem.toString())
                    + " does not hold valid certificates; expected " + expected, e); // the JDK's detail is in the cause
        }
        if (certificates.isEmpty()) {
            throw valueError(key, quote(pem.toString()) + " contains no certificates", expected);
        }
        return Optional.of(pem);
    }

    private Optional<String> fileGroup(Object value) {
        String expected = "the name of an existing group, such as the group Synapse runs as";
        String group = string("acme.file_group", value, expected);
        if (group == null) {
            return Optional.empty();
        }
        String name = group.trim();
        if (name.isEmpty()) {
            throw valueError("acme.file_group", "the group name is empty", expected);
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw valueError("acme.file_group", "there is no group named " + quote(name), expected);
        } catch (UnsupportedOperationException e) {
            throw valueError("acme.file_group", "this system does not support file groups",
                    "no acme.file_group on this system");
        } catch (IOException e) {
            throw new ConfigException(file + ": acme.file_group: the group " + quote(name) + " cannot be looked up ("
                    + e + "); expected " + expected, e);
        }
        return Optional.of(name);
    }

    /**
     * The mode comes as a YAML 1.1 integer ({@code 0640} is already the octal 416) or as a
     * string of octal digits ({@code "0640"}, {@code "640"}). A private key may only be
     * readable by its owner and, optionally, the group that Synapse runs as.
     */
    private Optional<Set<PosixFilePermission>> keyFileMode(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        String key = "acme.key_file_mode";
        int mode;
        if (value instanceof Integer n) {
            if (n < 0) {
                throw valueError(key, n + " is not an octal file mode", MODE_EXPECTED);
            }
            if (n > 0777) {
                // "640" without the leading zero is the decimal number 640, which is octal 1200
                throw valueError(key, n + " is the decimal number " + n + " (octal " + String.format("%04o", n)
                        + "), not a file mode", MODE_EXPECTED + ", written with a leading zero or in quotes");
            }
            mode = n;
        } else if (value instanceof String s) {
            Matcher m = OCTAL_MODE.matcher(s.trim());
            if (!m.matches()) {
                throw valueError(key, quote(s) + " is not an octal file mode", MODE_EXPECTED);
            }
            mode = Integer.parseInt(m.group(1), 8);
        } else {
            throw typeError(key, MODE_EXPECTED, value);
        }
        String shown = String.format("%04o", mode);
        String problem = null;
        if (mode > 0777) {
            problem = shown + " sets the setuid, setgid or sticky bit";
        } else if ((mode & 0600) != 0600) {
            problem = shown + " does not let the owner read and write the key";
        } else if ((mode & 0100) != 0) {
            problem = shown + " makes the key executable";
        } else if ((mode & 0007) != 0) {
            problem = shown + " gives others access to the key";
        } else if ((mode & 0030) != 0) {
            problem = shown + " lets the group write or execute the key";
        }
        if (problem != null) {
            throw valueError(key, problem, MODE_EXPECTED);
        }
        return Optional.of(PosixFilePermissions.fromString(rwx(mode)));
    }

    private static String rwx(int mode) {
        StringBuilder sb = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
        }
        return sb.toString();
    }

    // ------------------------------------------------ what to ask the CA for: profile, chain

    private static final String PROFILE_EXPECTED = "the name of a certificate profile the CA offers, such as "
            + "tlsserver or shortlived (Let's Encrypt)";
    private static final String CHAIN_EXPECTED = "the common name or distinguished name of the root or an issuer "
            + "of the chain to prefer, such as 'ISRG Root X1'";

    /** {@code acme.profile}: any non-empty name; whether the CA offers it is checked at each order. */
    private Optional<String> profile(String key, Object value) {
        String name = string(key, value, PROFILE_EXPECTED);
        if (name == null) {
            return Optional.empty();
        }
        if (name.isBlank()) {
            throw valueError(key, "the profile name is empty", PROFILE_EXPECTED);
        }
        return Optional.of(name.trim());
    }

    /** {@code acme.profile_required}: only meaningful with a profile, so true without one is a mistake. */
    private boolean profileRequired(String key, Object value, Optional<String> profile) {
        boolean required = bool(key, value, false);
        if (required && profile.isEmpty()) {
            throw valueError(key, "true, but acme.profile is not set",
                    "acme.profile with the name of the profile to require");
        }
        return required;
    }

    private Optional<String> preferredChain(String key, Object value) {
        String name = string(key, value, CHAIN_EXPECTED);
        if (name == null) {
            return Optional.empty();
        }
        if (name.isBlank()) {
            throw valueError(key, "the name is empty", CHAIN_EXPECTED);
        }
        return Optional.of(name.trim());
    }

    // ------------------------------------------------ after a write: reload, verify, keystore, pre-flight

    private static final String RELOAD_KNOWN = "signal, pid_file, command, timeout";
    private static final String VERIFY_KNOWN = "address, server_name, timeout";
    private static final String KEYSTORE_KNOWN = "path, password, alias";
    private static final String PREFLIGHT_KNOWN = "mode, port, timeout";
    private static final String SIGNAL_EXPECTED = "one of " + ReloadSignal.acceptedNames() + ", or none";
    private static final String COMMAND_EXPECTED = "a shell command such as 'systemctl reload matrix-synapse'";
    private static final String SECONDS_EXPECTED = "a whole number of seconds from 1 to 3600";
    private static final String ADDRESS_EXPECTED = "host:port of the homeserver's TLS listener, such as "
            + "localhost:8448";
    private static final String PASSWORD_EXPECTED = "the keystore password, as a string";
    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
    private static final Pattern HOST_PORT =
            Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|([^:\\[\\]]+))(?::([0-9]{1,5}))?");

    /**
     * {@code acme.reload}, only when the key is there (an empty {@code reload:} means "the
     * defaults"): never signal a process just because Synapse's config names a pid file.
     * The pid file defaults to Synapse's own top-level {@code pid_file}.
     */
    private Optional<ReloadSettings> reload(String base, Map<?, ?> top, Map<?, ?> acme) {
        if (!acme.containsKey("reload")) {
            return Optional.empty();
        }
        Map<?, ?> reload = section(base + ".reload", acme.get("reload"), "a mapping with " + RELOAD_KNOWN);
        warnAboutUnknownKeys(base + ".reload", reload, Set.of("signal", "pid_file", "command", "timeout"), RELOAD_KNOWN);
        Optional<ReloadSignal> signal = reloadSignal(base, reload.get("signal"));
        Path pidFile = path(base + ".reload.pid_file", reload.get("pid_file"));
        if (pidFile == null) {
            pidFile = path("pid_file", top.get("pid_file"));
        }
        String command = string(base + ".reload.command", reload.get("command"), COMMAND_EXPECTED);
        if (command != null && command.isBlank()) {
            throw valueError(base + ".reload.command", "the command is empty", COMMAND_EXPECTED);
        }
        Duration timeout = seconds(base + ".reload.timeout", reload.get("timeout"), ReloadSettings.DEFAULT_TIMEOUT);
        if (command == null && (signal.isEmpty() || pidFile == null)) {
            throw valueError(base + ".reload", signal.isEmpty() ? "signal is none and there is no command"
                    : "there is no pid file to signal and no command",
                    base + ".reload.pid_file (or Synapse's top-level pid_file) or acme.reload.command");
        }
        return Optional.of(new ReloadSettings(signal, Optional.ofNullable(pidFile), Optional.ofNullable(command),
                timeout));
    }

    private Optional<ReloadSignal> reloadSignal(String base, Object value) {
        if (value == null) {
            return Optional.of(ReloadSettings.DEFAULT_SIGNAL);
        }
        if (Boolean.FALSE.equals(value)) {
            return Optional.empty(); // YAML 1.1 reads "signal: off" or "no" as false
        }
        String name = string(base + ".reload.signal", value, SIGNAL_EXPECTED);
        if (name.trim().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        return Optional.of(ReloadSignal.fromConfigName(name).orElseThrow(
                () -> valueError(base + ".reload.signal", quote(name) + " is not a reload signal", SIGNAL_EXPECTED)));
    }

    private Optional<VerifySettings> verify(String base, Map<?, ?> acme, String firstDomain) {
        if (!acme.containsKey("verify")) {
            return Optional.empty();
        }
        Map<?, ?> verify = section(base + ".verify", acme.get("verify"), "a mapping with " + VERIFY_KNOWN);
        warnAboutUnknownKeys(base + ".verify", verify, Set.of("address", "server_name", "timeout"), VERIFY_KNOWN);
        String address = string(base + ".verify.address", verify.get("address"), ADDRESS_EXPECTED);
        if (address == null) {
            throw valueError(base + ".verify.address", "missing", ADDRESS_EXPECTED);
        }
        Matcher m = HOST_PORT.matcher(address.trim());
        if (!m.matches()) {
            throw valueError(base + ".verify.address", quote(address) + " is not host:port", ADDRESS_EXPECTED);
        }
        String host = m.group(1) != null ? m.group(1) : DnsNames.normalize(m.group(2));
        boolean literal = m.group(1) != null ? DnsNames.isIpv6(host) : DnsNames.isIpv4(host);
        if (!literal && DnsNames.problem(host).isPresent()) {
            throw valueError(base + ".verify.address", quote(address) + " does not name a host", ADDRESS_EXPECTED);
        }
        int port = VerifySettings.DEFAULT_PORT;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw valueError(base + ".verify.address", quote(address) + " has no valid port", ADDRESS_EXPECTED);
            }
        }
        String sniExpected = "the DNS name to send as SNI, such as " + (firstDomain != null ? firstDomain
                : "matrix.example.org");
        String serverName = string(base + ".verify.server_name", verify.get("server_name"), sniExpected);
        if (serverName == null) {
            if (firstDomain == null) {
                throw valueError(base + ".verify.server_name", "missing (there is no domain to default to)", sniExpected);
            }
            serverName = firstDomain;
        } else {
            serverName = dnsName(base + ".verify.server_name", serverName);
        }
        Duration timeout = seconds(base + ".verify.timeout", verify.get("timeout"), VerifySettings.DEFAULT_TIMEOUT);
        return Optional.of(new VerifySettings(host, port, serverName, timeout));
    }

    /** The password is never put into a message: a wrong type is named by its kind only. */
    private Optional<KeystoreSettings> keystore(String base, Map<?, ?> acme, Path certificatePath,
                                                Path privateKeyPath) {
        if (!acme.containsKey("keystore")) {
            return Optional.empty();
        }
        Map<?, ?> keystore = section(base + ".keystore", acme.get("keystore"), "a mapping with " + KEYSTORE_KNOWN);
        warnAboutUnknownKeys(base + ".keystore", keystore, Set.of("path", "password", "alias"), KEYSTORE_KNOWN);
        Path path = path(base + ".keystore.path", keystore.get("path"));
        if (path == null) {
            throw valueError(base + ".keystore.path", "missing", "a file path for the PKCS#12 keystore");
        }
        if (path.equals(certificatePath) || path.equals(privateKeyPath)) {
            throw valueError(base + ".keystore.path", quote(path.toString()) + " is also "
                    + (path.equals(certificatePath) ? "tls_certificate_path" : "tls_private_key_path"),
                    "a file of its own for the PKCS#12 keystore");
        }
        Object passwordValue = keystore.get("password");
        if (passwordValue != null && !(passwordValue instanceof String)) {
            throw new ConfigException(file + ": " + base + ".keystore.password: expected " + PASSWORD_EXPECTED + " (quote it),"
                    + " found " + describeType(passwordValue));
        }
        String password = (String) passwordValue;
        if (password == null || password.isEmpty()) {
            throw valueError(base + ".keystore.password", password == null ? "missing" : "empty", PASSWORD_EXPECTED);
        }
        String aliasExpected = "a name for the key entry, such as " + KeystoreSettings.DEFAULT_ALIAS;
        String alias = string(base + ".keystore.alias", keystore.get("alias"), aliasExpected);
        if (alias != null && alias.isBlank()) {
            throw valueError(base + ".keystore.alias", "the alias is empty", aliasExpected);
        }
        return Optional.of(new KeystoreSettings(path, password,
                alias == null ? KeystoreSettings.DEFAULT_ALIAS : alias.trim()));
    }

    private PreflightSettings preflight(Object value) {
        if (value == null) {
            return PreflightSettings.DEFAULTS;
        }
        Map<?, ?> preflight = section("acme.preflight", value, "a mapping with " + PREFLIGHT_KNOWN);
        warnAboutUnknownKeys("acme.preflight", preflight, Set.of("mode", "port", "timeout"), PREFLIGHT_KNOWN);
        String modeExpected = "advisory, strict or off";
        Object modeValue = preflight.get("mode");
        PreflightSettings.Mode mode = PreflightSettings.Mode.ADVISORY;
        if (Boolean.FALSE.equals(modeValue)) {
            mode = PreflightSettings.Mode.OFF; // YAML 1.1 reads an unquoted off as false
        } else if (modeValue != null) {
            String name = string("acme.preflight.mode", modeValue, modeExpected);
            mode = java.util.Arrays.stream(PreflightSettings.Mode.values())
                    .filter(m -> m.configName().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> valueError("acme.preflight.mode", quote(name) + " is not a mode", modeExpected));
        }
        int port = PreflightSettings.DEFAULT_PORT;
        Object portValue = preflight.get("port");
        if (portValue != null) {
            BigInteger n = integer("acme.preflight.port", portValue, PORT_EXPECTED);
            if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(65535)) > 0) {
                throw valueError("acme.preflight.port", show(portValue) + " is not a port number", PORT_EXPECTED);
            }
            port = n.intValue();
        }
        Duration timeout = seconds("acme.preflight.timeout", preflight.get("timeout"),
                PreflightSettings.DEFAULT_TIMEOUT);
        return new PreflightSettings(mode, port, timeout);
    }

    private static final String CERTIFICATE_KNOWN = "id, domains, certificate_path, private_key_path, key_type, "
            + "keep_key, profile, preferred_chain, reload, verify, keystore";
    private static final String ID_EXPECTED = "a short name of lower-case letters, digits, '.', '_' or '-', "
            + "such as element";
    private static final String CONCURRENCY_EXPECTED = "a whole number from 1 to 64";

    /**
     * {@code acme.certificates}: further certificates, each with its own names and files.
     * Two certificates may never share a file: each would overwrite the other.
     */
    private List<CertificateEntry> certificates(Map<?, ?> top, Object value, KeyType defaultKeyType,
                                                Path certificatePath, Path privateKeyPath) {
        if (value == null) {
            return List.of();
        }
        String expected = "a list of certificates, each a mapping with " + CERTIFICATE_KNOWN;
        if (!(value instanceof List<?> list)) {
            throw typeError("acme.certificates", expected, value);
        }
        Map<Path, String> owners = new java.util.HashMap<>();
        if (certificatePath != null) {
            owners.put(certificatePath, "tls_certificate_path");
        }
        if (privateKeyPath != null) {
            owners.put(privateKeyPath, "tls_private_key_path");
        }
        Set<String> ids = new LinkedHashSet<>();
        List<CertificateEntry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String base = "acme.certificates[" + i + "]";
            Map<?, ?> entry = section(base, list.get(i), "a mapping with " + CERTIFICATE_KNOWN);
            warnAboutUnknownKeys(base, entry, Set.of(CERTIFICATE_KNOWN.split(", ")), CERTIFICATE_KNOWN);
            String id = string(base + ".id", entry.get("id"), ID_EXPECTED);
            if (id == null) {
                throw valueError(base + ".id", "missing", ID_EXPECTED);
            }
            if (!CertificateEntry.ID.matcher(id).matches()) {
                throw valueError(base + ".id", quote(id) + " is not a plain name", ID_EXPECTED);
            }
            if (id.equals(CertificateEntry.DEFAULT_ID)) {
                throw valueError(base + ".id", quote(id) + " is the name of Synapse's own certificate "
                        + "(tls_certificate_path)", "another name");
            }
            if (!ids.add(id)) {
                throw valueError(base + ".id", quote(id) + " is already the id of another certificate",
                        "a name used once");
            }
            Object namesValue = entry.get("domains");
            if (namesValue == null) {
                throw valueError(base + ".domains", "missing", "a list of DNS names for the certificate");
            }
            Set<String> names = new LinkedHashSet<>();
            for (String name : stringList(base + ".domains", namesValue, "a list of DNS names")) {
                names.add(dnsName(base + ".domains", name));
            }
            if (names.isEmpty()) {
                throw valueError(base + ".domains", "the list is empty", "one DNS name or more");
            }
            if (names.size() > MAX_NAMES) {
                throw valueError(base + ".domains", names.size() + " names", "at most " + MAX_NAMES
                        + " (the limit of Let's Encrypt and most CAs)");
            }
            Path certificate = requiredPath(base + ".certificate_path", entry.get("certificate_path"),
                    "the file the certificate chain is written to");
            Path key = requiredPath(base + ".private_key_path", entry.get("private_key_path"),
                    "the file the private key is written to");
            claim(owners, certificate, base + ".certificate_path");
            claim(owners, key, base + ".private_key_path");
            Optional<KeyType> keyType = entry.get("key_type") == null ? Optional.empty()
                    : Optional.of(keyType(base + ".key_type", entry.get("key_type")));
            Optional<ReloadSettings> reload = reload(base, top, entry);
            Optional<VerifySettings> verify = verify(base, entry, names.iterator().next());
            Optional<KeystoreSettings> keystore = keystore(base, entry, certificate, key);
            Optional<Boolean> keepKey = entry.get("keep_key") == null ? Optional.empty()
                    : Optional.of(bool(base + ".keep_key", entry.get("keep_key"), false));
            Optional<String> profile = profile(base + ".profile", entry.get("profile"));
            Optional<String> chain = preferredChain(base + ".preferred_chain", entry.get("preferred_chain"));
            entries.add(new CertificateEntry(id, List.copyOf(names), certificate, key, keyType, reload, verify,
                    keystore, keepKey, profile, chain));
        }
        return entries;
    }

    private Path requiredPath(String key, Object value, String expected) {
        Path path = path(key, value);
        if (path == null) {
            throw valueError(key, "missing", expected);
        }
        return path;
    }

    private void claim(Map<Path, String> owners, Path path, String key) {
        String owner = owners.putIfAbsent(path, key);
        if (owner != null) {
            throw valueError(key, quote(path.toString()) + " is also " + owner,
                    "a file of its own: two certificates writing one file would overwrite each other");
        }
    }

    private int maxConcurrentOrders(Object value) {
        if (value == null) {
            return AcmeSettings.DEFAULT_MAX_CONCURRENT_ORDERS;
        }
        BigInteger n = integer("acme.max_concurrent_orders", value, CONCURRENCY_EXPECTED);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(64)) > 0) {
            throw valueError("acme.max_concurrent_orders", show(value) + " is out of range", CONCURRENCY_EXPECTED);
        }
        return n.intValue();
    }

    /** A sub-section under {@code acme:}; an empty one ({@code reload:}) is an empty mapping. */
    Map<?, ?> section(String key, Object value, String expected) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw typeError(key, expected, value);
    }

    Duration seconds(String key, Object value, Duration defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        BigInteger n = integer(key, value, SECONDS_EXPECTED);
        if (n == null) {
            throw valueError(key, show(value) + " is not a number of seconds", SECONDS_EXPECTED);
        }
        if (n.signum() <= 0) {
            throw valueError(key, n + " is not a positive number of seconds", SECONDS_EXPECTED);
        }
        if (n.compareTo(BigInteger.valueOf(3600)) > 0) {
            throw valueError(key, n + " seconds is more than an hour", SECONDS_EXPECTED);
        }
        return Duration.ofSeconds(n.longValue());
    }

    // ---------------------------------------------------------------- typed access

    boolean bool(String key, Object value, boolean defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            // a quoted "true" is still meant as true; YAML 1.1 words as PyYAML reads them
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw typeError(key, "true or false", value);
    }

    /** A string value, or null when absent; numbers, booleans, lists and mappings are type errors. */
    String string(String key, Object value, String expected) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw typeError(key, expected, value);
    }

    /** A YAML integer (or a string of digits), or null when the value is some other scalar. */
    BigInteger integer(String key, Object value, String expected) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new BigInteger(value.toString());
        }
        if (value instanceof String s && s.trim().matches("[+-]?[0-9]{1,12}")) {
            return new BigInteger(s.trim());
        }
        if (value instanceof Map || value instanceof List) {
            throw typeError(key, expected, value);
        }
        return null;
    }

    List<String> stringList(String key, Object value, String expected) {
        if (!(value instanceof List<?> list)) {
            throw typeError(key, expected, value);
        }
        List<String> strings = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof String s)) {
                throw new ConfigException(file + ": " + key + ": expected " + expected + ", found "
                        + describe(entry) + " in the list");
            }
            strings.add(s);
        }
        return strings;
    }

    /** A path relative to the config file's folder, absolute and normalized; null when absent. */
    private Path path(String key, Object value) {
        String expected = "a file path";
        String text = string(key, value, expected);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            throw valueError(key, "the path is empty", expected);
        }
        try {
            return folder.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw valueError(key, quote(text) + " is not a valid path (" + e.getReason() + ")", expected);
        }
    }

    private void requirePresent(String key, Object value, String expected) {
        if (value == null) {
            throw valueError(key, "missing", expected + ", required when acme.enabled is true");
        }
    }

    // ---------------------------------------------------------------- messages

    void warnAboutUnknownKeys(String section, Map<?, ?> map, Set<String> known, String knownList) {
        for (Object k : map.keySet()) {
            if (!(k instanceof String name) || !known.contains(name)) {
                warn(section + "." + k + ": unknown setting, ignored; known settings are " + knownList);
            }
        }
    }

    private void warn(String message) {
        String full = file + ": " + message;
        warnings.add(full);
        if (logged) {
            LOG.log(System.Logger.Level.WARNING, full);
        }
    }

    ConfigException valueError(String key, String problem, String expected) {
        return new ConfigException(file + ": " + key + ": " + problem + "; expected " + expected);
    }

    ConfigException typeError(String key, String expected, Object found) {
        return new ConfigException(file + ": " + key + ": expected " + expected + ", found " + describe(found));
    }

    /** How a YAML value looks in a message: collections by kind, scalars by value. */
    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map || value instanceof List) {
            return describeType(value);
        }
        return show(value);
    }

    /** The kind of a YAML value, without the value: for secrets. */
    private static String describeType(Object value) {
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value == null ? "nothing" : "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    static String show(Object value) {
        return value instanceof String s ? quote(s) : String.valueOf(value);
    }

    static String quote(String text) {
        return "'" + text + "'";
    }
}
