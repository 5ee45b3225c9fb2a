package dev.acmefilter.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node needs to take part in a cluster ({@code acme.cluster} in homeserver.yaml):
 * where the shared PostgreSQL database is, the schema its tables live in, this node's name,
 * the 32-byte secret that seals private keys in the database, and the timings. Built by the
 * config loader ({@link ClusterSection}, from {@code acme.cluster}) or by {@link #builder()}.
 *
 * <p>Messages name the homeserver.yaml keys, so the loader can pass them on as they are.
 * {@link #toString()} never shows the password nor the secret (nor a {@code password=}
 * parameter of the URL).
 *
 * @param jdbcUrl         {@code jdbc:postgresql://host:port/database}, with any pgjdbc parameters (sslmode...)
 * @param user            the database user
 * @param password        its password; null when the server does not ask for one
 * @param schema          the schema of every table (created and migrated at start); plain lower-case SQL name
 * @param node            this node's name in leases, status and logs; unique in the cluster
 * @param secret          the cluster secret, exactly 32 bytes (see {@link SecretFile})
 * @param lease           how long a lease outlives its holder's last heartbeat
 * @param standaloneAfter how long the database may be unreachable before a node renews on its own
 */
public record ClusterSettings(String jdbcUrl, String user, String password, String schema, String node, byte[] secret,
                              Duration lease, Duration standaloneAfter) {

    public static final String DEFAULT_SCHEMA = "acme";
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STANDALONE_AFTER = Duration.ofHours(24);
    /** Shortest lease: heartbeats go every third of it, and a round trip must fit. */
    public static final Duration MIN_LEASE = Duration.ofSeconds(3);
    public static final Duration MAX_LEASE = Duration.ofMinutes(10);
    /** Longest schema name: the notification channels built from it stay under PostgreSQL's 63 bytes. */
    public static final int MAX_SCHEMA_LENGTH = 40;

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0," + (MAX_SCHEMA_LENGTH - 1) + "}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public ClusterSettings {
        Objects.requireNonNull(jdbcUrl, "acme.cluster.database.url");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("acme.cluster.database.url: '" + redact(jdbcUrl)
                    + "' is not a PostgreSQL JDBC URL; expected jdbc:postgresql://host:port/database");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("acme.cluster.database.user: a database user is required");
        }
        if (!isSchema(schema)) {
            throw new IllegalArgumentException("acme.cluster.schema: '" + schema + "' is not a plain SQL name; expected"
                    + " lower-case letters, digits and '_', not starting with a digit nor 'pg_', at most "
                    + MAX_SCHEMA_LENGTH + " characters");
        }
        if (!isNode(node)) {
            throw new IllegalArgumentException("acme.cluster.node: '" + node + "' is not a node name; expected letters,"
                    + " digits, '.', '_' and '-', at most 63 characters");
        }
        if (secret == null || secret.length != SecretFile.SECRET_LENGTH) {
            throw new IllegalArgumentException("acme.cluster.secret_file: the cluster secret must be exactly "
                    + SecretFile.SECRET_LENGTH + " bytes");
        }
        secret = secret.clone();
        Objects.requireNonNull(lease, "acme.cluster.lease");
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("acme.cluster.lease: " + lease.toSeconds() + " s is out of range; expected "
                    + MIN_LEASE.toSeconds() + " to " + MAX_LEASE.toSeconds() + " seconds");
        }
        Objects.requireNonNull(standaloneAfter, "acme.cluster.standalone_after");
        if (standaloneAfter.compareTo(lease) < 0) {
            throw new IllegalArgumentException("acme.cluster.standalone_after: " + standaloneAfter
                    + " is shorter than the lease (" + lease.toSeconds() + " s)");
        }
    }

    /** A plain lower-case SQL name, not starting with a digit nor {@code pg_}: it becomes part of statements. */
    public static boolean isSchema(String s) {
        return s != null && SCHEMA.matcher(s).matches() && !s.startsWith("pg_");
    }

    /** Letters, digits, '.', '_' and '-', at most 63 characters. */
    public static boolean isNode(String s) {
        return s != null && NODE.matcher(s).matches();
    }

    /** A copy: the caller cannot change the secret of these settings. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The host name of this machine, the default node name (made a valid one). */
    public static String defaultNode() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = System.getenv().getOrDefault("HOSTNAME", "node");
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "-");
        cleaned = cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
        return isNode(cleaned) ? cleaned : "node";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSettings s && jdbcUrl.equals(s.jdbcUrl) && user.equals(s.user)
                && Objects.equals(password, s.password) && schema.equals(s.schema) && node.equals(s.node)
                && Arrays.equals(secret, s.secret) && lease.equals(s.lease) && standaloneAfter.equals(s.standaloneAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jdbcUrl, user, schema, node, lease, standaloneAfter);
    }

    @Override
    public String toString() {
        return "ClusterSettings[url=" + redact(jdbcUrl) + ", user=" + user + ", password="
                + (password == null ? "(none)" : "(hidden)") + ", schema=" + schema + ", node=" + node
                + ", secret=(hidden), lease=" + lease.toSeconds() + "s, standaloneAfter=" + standaloneAfter + "]";
    }

    /** {@code url} without the value of a {@code password=} parameter. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1(hidden)");
    }

    /** Builds settings with the defaults of {@code acme.cluster}. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private String schema = DEFAULT_SCHEMA;
        private String node;
        private byte[] secret;
        private Duration lease = DEFAULT_LEASE;
        private Duration standaloneAfter = DEFAULT_STANDALONE_AFTER;

        private Builder() {
        }

        public Builder url(String jdbcUrl) {
            this.url = jdbcUrl;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        /** Default: {@link #defaultNode()}. */
        public Builder node(String node) {
            this.node = node;
            return this;
        }

        public Builder secret(byte[] secret) {
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        public Builder standaloneAfter(Duration standaloneAfter) {
            this.standaloneAfter = standaloneAfter;
            return this;
        }

        public ClusterSettings build() {
            return new ClusterSettings(url, user, password, schema, node != null ? node : defaultNode(), secret, lease,
                    standaloneAfter);
        }
    }
}
