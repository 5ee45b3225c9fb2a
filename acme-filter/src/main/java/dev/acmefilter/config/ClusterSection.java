package dev.acmefilter.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code acme.cluster}: several nodes sharing one PostgreSQL database, so that one order
 * serves them all ({@link ClusterSettings}). Absent, the node works alone, as without a
 * cluster. Every wrong value is one {@link ConfigException} naming the key; the database
 * password and the cluster secret never appear in a message.
 *
 * <pre>{@code
 * acme:
 *   cluster:
 *     database: homeserver      # default: Synapse's own database: section (SynapseDatabase)
 *     # or {url: 'jdbc:postgresql://db.example.org:5432/synapse', user: synapse, password_file: /etc/...}
 *     schema: acme
 *     node: fe1                 # default: the host name
 *     secret_file: /etc/matrix-synapse/acme-cluster.key   # required
 *     lease: 30                 # seconds
 *     standalone_after: 24h     # s, m, h, d, or a plain number of seconds
 * }</pre>
 */
final class ClusterSection {

    static final List<String> KEYS = List.of("database", "schema", "node", "secret_file", "lease",
            "standalone_after");
    static final List<String> DATABASE_KEYS = List.of("url", "user", "password_file");
    static final String HOMESERVER = "homeserver";

    private static final String EXPECTED = "a mapping with " + String.join(", ", KEYS);
    private static final String DATABASE_EXPECTED = "'homeserver' (Synapse's own database: section) or a mapping with"
            + " url, user, password_file";
    private static final String URL_EXPECTED = "a PostgreSQL JDBC URL such as"
            + " 'jdbc:postgresql://db.example.org:5432/synapse'";
    private static final String SCHEMA_EXPECTED = "a plain lower-case SQL name (letters, digits and '_', not"
            + " starting with a digit nor 'pg_', at most " + ClusterSettings.MAX_SCHEMA_LENGTH + " characters)";
    private static final String NODE_EXPECTED = "a name of letters, digits, '.', '_' and '-', at most 63 characters,"
            + " unique in the cluster";
    private static final String LEASE_EXPECTED = "a whole number of seconds from " + ClusterSettings.MIN_LEASE.toSeconds()
            + " to " + ClusterSettings.MAX_LEASE.toSeconds();
    private static final String AFTER_EXPECTED = "a duration such as 24h, 90m, 2d or 3600s (a plain number is"
            + " seconds), from the lease to 365d";
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*([smhd]?)");
    private static final Duration MAX_STANDALONE_AFTER = Duration.ofDays(365);

    private ClusterSection() {
    }

    /** {@code acme.cluster}, when it is there; {@code top} gives Synapse's {@code database:} section. */
    static Optional<ClusterSettings> parse(Section top, Section acme) {
        if (acme.get("cluster") == null) {
            return Optional.empty();
        }
        Section cluster = acme.section("cluster", EXPECTED, KEYS);
        SynapseDatabase.Connection db = database(top, cluster);
        String schema = cluster.text("schema", "the schema name is empty", SCHEMA_EXPECTED);
        schema = schema == null ? ClusterSettings.DEFAULT_SCHEMA : schema;
        if (!ClusterSettings.isSchema(schema)) {
            throw cluster.valueError("schema", Shown.quote(schema) + " is not a plain SQL name", SCHEMA_EXPECTED);
        }
        String node = cluster.text("node", "the node name is empty", NODE_EXPECTED);
        node = node == null ? ClusterSettings.defaultNode() : node;
        if (!ClusterSettings.isNode(node)) {
            throw cluster.valueError("node", Shown.quote(node) + " is not a node name", NODE_EXPECTED);
        }
        byte[] secret = secret(cluster);
        Duration lease = lease(cluster);
        Duration standaloneAfter = standaloneAfter(cluster, lease);
        try {
            return Optional.of(new ClusterSettings(db.jdbcUrl(), db.user(), db.password(), schema, node, secret, lease,
                    standaloneAfter));
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    private static SynapseDatabase.Connection database(Section top, Section cluster) {
        Object value = cluster.get("database");
        if (value == null || HOMESERVER.equals(value)) {
            return SynapseDatabase.read(top, cluster);
        }
        if (value instanceof String s) {
            throw cluster.valueError("database", Shown.quote(s) + " is neither 'homeserver' nor a mapping",
                    DATABASE_EXPECTED);
        }
        Section database = cluster.section("database", DATABASE_EXPECTED, DATABASE_KEYS);
        String url = database.text("url", "the URL is empty", URL_EXPECTED);
        if (url == null) {
            throw database.valueError("url", "missing", URL_EXPECTED);
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw database.valueError("url", Shown.quote(ClusterSettings.redact(url))
                    + " is not a PostgreSQL JDBC URL", URL_EXPECTED);
        }
        String user = database.text("user", "the user name is empty", "the database user");
        if (user == null) {
            throw database.valueError("user", "missing", "the database user");
        }
        Path passwordFile = database.path("password_file");
        String password = null;
        if (passwordFile != null) {
            try {
                password = SecretFile.readPassword(passwordFile);
            } catch (IllegalArgumentException e) {
                throw database.error("password_file", e.getMessage());
            }
        }
        return new SynapseDatabase.Connection(url, user, password);
    }

    private static byte[] secret(Section cluster) {
        Path file = cluster.path("secret_file");
        if (file == null) {
            throw cluster.valueError("secret_file", "missing", "the file of the 32-byte secret all nodes share (private"
                    + " keys are stored encrypted with it); make one with 'openssl rand -hex 32 > FILE && chmod 600"
                    + " FILE' and copy it to every node");
        }
        try {
            return SecretFile.read(file);
        } catch (IllegalArgumentException e) {
            throw cluster.error("secret_file", e.getMessage());
        }
    }

    private static Duration lease(Section cluster) {
        Object value = cluster.get("lease");
        if (value == null) {
            return ClusterSettings.DEFAULT_LEASE;
        }
        BigInteger n = cluster.integer("lease", LEASE_EXPECTED);
        if (n == null || n.compareTo(BigInteger.valueOf(ClusterSettings.MIN_LEASE.toSeconds())) < 0
                || n.compareTo(BigInteger.valueOf(ClusterSettings.MAX_LEASE.toSeconds())) > 0) {
            throw cluster.valueError("lease", Shown.show(value) + " is not a number of seconds from "
                    + ClusterSettings.MIN_LEASE.toSeconds() + " to " + ClusterSettings.MAX_LEASE.toSeconds(),
                    LEASE_EXPECTED);
        }
        return Duration.ofSeconds(n.longValue());
    }

    private static Duration standaloneAfter(Section cluster, Duration lease) {
        Object value = cluster.get("standalone_after");
        if (value == null) {
            return ClusterSettings.DEFAULT_STANDALONE_AFTER.compareTo(lease) < 0 ? lease
                    : ClusterSettings.DEFAULT_STANDALONE_AFTER;
        }
        Duration d = duration(value);
        if (d == null) {
            if (value instanceof java.util.Map || value instanceof List) {
                throw cluster.typeError("standalone_after", AFTER_EXPECTED, value);
            }
            throw cluster.valueError("standalone_after", Shown.show(value) + " is not a duration", AFTER_EXPECTED);
        }
        if (d.compareTo(lease) < 0) {
            throw cluster.valueError("standalone_after", Shown.show(value) + " is shorter than the lease ("
                    + lease.toSeconds() + " s)", AFTER_EXPECTED);
        }
        if (d.compareTo(MAX_STANDALONE_AFTER) > 0) {
            throw cluster.valueError("standalone_after", Shown.show(value) + " is more than a year", AFTER_EXPECTED);
        }
        return d;
    }

    /** {@code 24h}, {@code 90m}, {@code 2d}, {@code 3600s} or a plain number of seconds; null when none of these. */
    static Duration duration(Object value) {
        String text;
        if (value instanceof Integer || value instanceof Long) {
            text = value.toString();
        } else if (value instanceof String s) {
            text = s.trim().toLowerCase(Locale.ROOT);
        } else {
            return null;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
