package dev.acmefilter.cluster;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

/**
 * Creates the cluster's schema and brings it to the version this software knows, in one
 * transaction per start, recorded in {@code <schema>.schema_version}. Several nodes starting
 * at once must not trip over each other ({@code CREATE} of the same table twice fails), so
 * the whole migration runs under a transaction-scoped advisory lock derived from the schema
 * name: the first node migrates, the others wait, then find nothing left to do.
 *
 * <p>Migrations are only ever appended (never edited once released), each with the next
 * version number. A schema already at a newer version than this node knows is refused:
 * this node's code might misread the newer tables. Upgrade the node.
 */
final class SchemaMigrations {

    private static final System.Logger LOG = System.getLogger(SchemaMigrations.class.getName());

    /** One step: its version, what it adds, its statements ({@code {s}} is the quoted schema). */
    record Migration(int version, String description, List<String> statements) {
    }

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "challenges, leases, certificates, accounts, renewal state, members", List.of(
                    """
                    CREATE TABLE {s}.challenges (
                        token text PRIMARY KEY,
                        key_authorization text NOT NULL,
                        created_at timestamptz NOT NULL,
                        created_by text NOT NULL)""",
                    "CREATE INDEX challenges_created_at ON {s}.challenges (created_at)",
                    """
                    CREATE TABLE {s}.leases (
                        certificate_id text PRIMARY KEY,
                        holder text,
                        fencing_token bigint NOT NULL CHECK (fencing_token > 0),
                        acquired_at timestamptz,
                        expires_at timestamptz NOT NULL)""",
                    """
                    CREATE TABLE {s}.certificates (
                        id bigserial PRIMARY KEY,
                        certificate_id text NOT NULL,
                        serial text NOT NULL,
                        not_before timestamptz NOT NULL,
                        not_after timestamptz NOT NULL,
                        names text[] NOT NULL,
                        issued_at timestamptz NOT NULL,
                        issued_by text NOT NULL,
                        fencing_token bigint NOT NULL,
                        chain_pem text NOT NULL,
                        sealed_key bytea NOT NULL,
                        UNIQUE (certificate_id, serial))""",
                    "CREATE INDEX certificates_newest ON {s}.certificates (certificate_id, id DESC)",
                    """
                    CREATE TABLE {s}.accounts (
                        directory_url text PRIMARY KEY,
                        sealed_key bytea NOT NULL,
                        created_by text NOT NULL,
                        created_at timestamptz NOT NULL)""",
                    """
                    CREATE TABLE {s}.renewal_state (
                        certificate_id text PRIMARY KEY,
                        last_attempt timestamptz,
                        last_success timestamptz,
                        consecutive_failures integer NOT NULL DEFAULT 0,
                        next_attempt timestamptz,
                        last_error text,
                        last_error_kind text,
                        alerted text,
                        pending_order text,
                        sealed_pending_key bytea,
                        ari_start timestamptz,
                        ari_end timestamptz,
                        ari_explanation text,
                        ari_retry_after timestamptz,
                        updated_at timestamptz NOT NULL,
                        updated_by text NOT NULL,
                        fencing_token bigint NOT NULL)""",
                    """
                    CREATE TABLE {s}.members (
                        node text PRIMARY KEY,
                        version text NOT NULL,
                        started_at timestamptz NOT NULL,
                        last_seen timestamptz NOT NULL)""")));

    private final String schema;
    private final String node;
    private final Clock clock;

    SchemaMigrations(String schema, String node, Clock clock) {
        this.schema = schema;
        this.node = node;
        this.clock = clock;
    }

    int latest() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    /**
     * Brings the schema to {@link #latest()} and commits; {@code c} is not in auto-commit mode.
     *
     * @return the versions this call applied (empty when another node had done it)
     * @throws ClusterSchemaException when the schema is newer than this software, or may not be created
     */
    List<Integer> apply(Connection c) throws SQLException {
        String s = "\"" + schema + "\"";
        try (Statement statement = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, lockKey(schema));
                lock.execute();
            }
            if (!schemaExists(c)) {
                statement.execute("CREATE SCHEMA " + s);
            }
            statement.execute("CREATE TABLE IF NOT EXISTS " + s + ".schema_version (version integer PRIMARY KEY,"
                    + " description text NOT NULL, applied_at timestamptz NOT NULL, applied_by text NOT NULL)");
            int current;
            try (ResultSet r = statement.executeQuery("SELECT coalesce(max(version), 0) FROM " + s
                    + ".schema_version")) {
                r.next();
                current = r.getInt(1);
            }
            if (current > latest()) {
                throw new ClusterSchemaException("The cluster schema " + schema + " is at version " + current
                        + ", made by a newer version of this software; this node knows versions up to " + latest()
                        + ": upgrade this node", null);
            }
            List<Integer> applied = new java.util.ArrayList<>();
            for (Migration m : MIGRATIONS) {
                if (m.version() > current) {
                    for (String sql : m.statements()) {
                        statement.execute(sql.replace("{s}", s));
                    }
                    try (PreparedStatement record = c.prepareStatement("INSERT INTO " + s + ".schema_version"
                            + " (version, description, applied_at, applied_by) VALUES (?, ?, ?, ?)")) {
                        record.setInt(1, m.version());
                        record.setString(2, m.description());
                        SqlTime.set(record, 3, clock.instant());
                        record.setString(4, node);
                        record.executeUpdate();
                    }
                    applied.add(m.version());
                }
            }
            c.commit();
            if (!applied.isEmpty()) {
                LOG.log(Level.INFO, "Cluster schema {0} migrated from version {1} to {2}", schema, current, latest());
            }
            return applied;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            if ("42501".equals(e instanceof SQLException sql ? sql.getSQLState() : null)) {
                throw new ClusterSchemaException("The database user may not create the cluster schema " + schema + ": "
                        + e.getMessage() + "; create it once as the database owner (CREATE SCHEMA " + schema
                        + " AUTHORIZATION <acme.cluster user>)", e);
            }
            throw e;
        }
    }

    private boolean schemaExists(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            q.setString(1, schema);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The advisory lock of one schema's migrations: 64 bits of SHA-256 of its name. */
    static long lockKey(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("dev.acmefilter.cluster migrations of "
                    + schema).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken: nothing was committed
        }
    }
}
