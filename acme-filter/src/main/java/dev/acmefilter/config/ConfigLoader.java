package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the ACME settings from the admin's existing Synapse configuration, so that the admin
 * keeps one config: Synapse's own {@code server_name}, {@code tls_certificate_path},
 * {@code tls_private_key_path}, {@code pid_file} and its (former) {@code acme:} section with
 * Synapse's defaults, plus our optional keys under {@code acme:}.
 *
 * <p>This class only reads the YAML and hands each part of {@code acme:} to the parser that
 * owns its keys, defaults and messages: {@link AccountSettings}, {@link ListenSettings},
 * {@link OrderSettings}, {@link ChallengeSettings} (with {@code DnsSection}), {@link FileSettings},
 * {@link PreflightSettings}, {@link StatusSettings}, {@link AlertSettings}, {@link ClusterSection} and
 * the certificates with their delivery
 * ({@code CertificatesSection}: {@link ReloadSettings}, {@link VerifySettings},
 * {@link KeystoreSettings}). A new key goes into the parser of its part, nowhere else.
 *
 * <p>Every wrong value fails the whole load with one {@link ConfigException} whose message
 * names the file and the dotted key, and says what was expected (see {@link Section}).
 * Things that are accepted but suspicious (unknown keys under {@code acme:}, the retired
 * ACME v1 URLs) become {@link AcmeConfig#warnings() warnings}, which are also logged. The
 * EAB MAC key, the keystore password and the TSIG secret never appear in a message or a log line.
 */
public final class ConfigLoader {

    /** The keys of {@code acme:} this class reads itself. */
    private static final List<String> OWN_KEYS = List.of("enabled", "reprovision_threshold", "state_dir",
            "max_concurrent_orders");
    /** The sub-sections of {@code acme:}, each read by its own parser. */
    private static final List<String> SUB_SECTIONS = List.of("preflight", "status", "alerts", "cluster");
    /**
     * The order in which the README introduced the {@code acme:} keys: the known-keys warning
     * lists them so; keys declared since come after them, in the order of their parsers.
     */
    private static final List<String> LISTED_ORDER = List.of("enabled", "url", "port", "bind_addresses",
            "reprovision_threshold", "domain", "account_key_file", "domains", "contact", "key_type", "eab",
            "ca_certificates", "file_group", "key_file_mode", "state_dir", "reload", "verify", "keystore", "preflight",
            "certificates", "max_concurrent_orders", "account_key_type", "keep_key", "profile", "profile_required",
            "preferred_chain", "status", "alerts");
    /** Every key of {@code acme:}: what the parsers declare, in {@link #LISTED_ORDER}. */
    static final List<String> ACME_KEYS = acmeKeys();

    private static final String DAYS_EXPECTED = "a whole number of days, 1 or more";
    private static final String CONCURRENCY_EXPECTED = "a whole number from 1 to 64";

    private ConfigLoader() {
    }

    /**
     * Loads and checks the ACME settings from a Synapse {@code homeserver.yaml}.
     *
     * @param file the config file; relative paths inside it are resolved against its folder
     * @return the settings, with absolute normalized paths and Synapse's defaults filled in
     * @throws ConfigException when the file cannot be read or parsed, or any value is wrong
     */
    public static AcmeConfig load(Path file) {
        return load(List.of(file));
    }

    /**
     * Loads and checks the ACME settings from Synapse's config paths, merged as Synapse does:
     * each path a file or a folder of {@code *.yaml} files ({@link ConfigFiles}), read in order,
     * a later file replacing whole top-level keys (a later {@code acme:} replaces the whole
     * section). Files that are empty or hold no mapping are skipped with a warning, as Synapse
     * skips them, unless there is only one file. Relative paths are resolved against the
     * folder of the file that set them, and every message names that file.
     */
    public static AcmeConfig load(List<Path> paths) {
        return load(paths, true);
    }

    /**
     * {@link #load(List)} without logging: for a read-ahead (the start-up warm-up) whose
     * results and errors the real load reports.
     */
    public static AcmeConfig loadQuietly(List<Path> paths) {
        return load(paths, false);
    }

    private static AcmeConfig load(List<Path> paths, boolean logged) {
        ConfigWarnings warnings = new ConfigWarnings(logged);
        List<Path> files = ConfigFiles.expand(paths.stream()
                .map(p -> Objects.requireNonNull(p, "path").toAbsolutePath().normalize()).toList(), warnings);
        Map<Object, Object> merged = new LinkedHashMap<>();
        Map<Object, Path> origins = new HashMap<>();
        List<Path> read = new ArrayList<>();
        for (Path file : files) {
            Object document = YamlFile.read(file);
            if (!(document instanceof Map<?, ?> map)) {
                if (files.size() == 1) {
                    throw YamlFile.notAMapping(file, document);
                }
                warnings.add(file + ": " + (document == null ? "is empty" : "holds " + Shown.describe(document)
                        + ", not a mapping of settings") + "; ignored, as Synapse does");
                continue;
            }
            map.forEach((key, value) -> {
                merged.put(key, value);
                origins.put(key, file);
            });
            read.add(file);
        }
        if (read.isEmpty()) {
            throw new ConfigException(String.join(", ", files.stream().map(Path::toString).toList())
                    + ": no file holds a mapping of Synapse settings; expected Synapse's homeserver.yaml file");
        }
        if (files.size() > 1) {
            warnings.info("Read the configuration from " + String.join(", ", read.stream().map(Path::toString)
                    .toList()) + ", in this order; a later file replaces whole top-level keys");
        }
        return parse(read, Section.top(warnings, read, merged, origins), warnings);
    }

    private static AcmeConfig parse(List<Path> files, Section top, ConfigWarnings warnings) {
        Section acme = top.section("acme", "a mapping of ACME settings", ACME_KEYS);
        boolean enabled = acme.bool("enabled", false);
        AccountSettings account = AccountSettings.parse(acme);
        ListenSettings listen = ListenSettings.parse(acme);
        Duration threshold = Duration.ofDays(acme.positive("reprovision_threshold",
                (int) CertificateSettings.DEFAULT_REPROVISION_THRESHOLD.toDays(),
                36_500, // more than a century is surely a typo, and keeps Duration far from overflowing
                "is not a sensible number of days", DAYS_EXPECTED));
        Path stateDir = Optional.ofNullable(acme.path("state_dir"))
                .orElseGet(() -> account.accountKeyFile().getParent());
        CertificatesSection.Shared shared = new CertificatesSection.Shared(account, OrderSettings.parse(acme,
                OrderSettings.DEFAULTS), ChallengeSettings.parse(acme, ChallengeSettings.DEFAULTS), threshold,
                FileSettings.parse(acme), stateDir, PreflightSettings.parse(acme), Optional.of(acme.file()));
        List<CertificateSettings> certificates = CertificatesSection.parse(top, acme, enabled, shared);
        int maxConcurrentOrders = acme.positive("max_concurrent_orders", AcmeConfig.DEFAULT_MAX_CONCURRENT_ORDERS,
                64, "is out of range", CONCURRENCY_EXPECTED);
        StatusSettings status = StatusSettings.parse(acme);
        AlertSettings alerts = AlertSettings.parse(acme);
        Optional<ClusterSettings> cluster = ClusterSection.parse(top, acme);
        return new AcmeConfig(files, CertificatesSection.serverName(top), enabled, listen, account, stateDir,
                maxConcurrentOrders, status, alerts, certificates, cluster, warnings.messages());
    }

    private static List<String> acmeKeys() {
        List<String> declared = Stream.of(OWN_KEYS, AccountSettings.KEYS, ListenSettings.KEYS, OrderSettings.KEYS,
                FileSettings.KEYS, CertificatesSection.KEYS, ChallengeSettings.KEYS, SUB_SECTIONS)
                .flatMap(List::stream).toList();
        List<String> ordered = new ArrayList<>(LISTED_ORDER);
        ordered.retainAll(declared);
        declared.stream().filter(k -> !ordered.contains(k)).forEach(ordered::add);
        return List.copyOf(ordered);
    }
}
