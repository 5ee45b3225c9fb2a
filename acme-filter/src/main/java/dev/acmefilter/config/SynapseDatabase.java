package dev.acmefilter.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code acme.cluster.database: homeserver}: the cluster's tables go into Synapse's own
 * PostgreSQL database, read from Synapse's {@code database:} section ({@code name: psycopg2},
 * {@code args:} with {@code user}, {@code password}, {@code database} or {@code dbname},
 * {@code host}, {@code port}, and {@code sslmode}, {@code sslrootcert} when set), or from the
 * {@code databases:} entry whose {@code data_stores} holds {@code main} (Synapse's
 * multi-database layout). Synapse's other keys ({@code txn_limit}, {@code cp_min}, ...) are
 * Synapse's business and are not looked at.
 *
 * <p>Two set-ups cannot work, and say so: SQLite (Synapse's default when there is no
 * {@code database:} section; a cluster needs PostgreSQL), and a Unix socket folder as
 * {@code host} (the JDBC driver speaks TCP only).
 */
final class SynapseDatabase {

    /** Where and as whom to connect. {@link #toString()} hides the password. */
    record Connection(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Connection[" + ClusterSettings.redact(jdbcUrl) + ", user " + user + "]";
        }
    }

    static final int DEFAULT_PORT = 5432;
    private static final String EXPLICIT = "; or set acme.cluster.database to {url: 'jdbc:postgresql://HOST:5432/DB',"
            + " user: USER, password_file: FILE}";
    /** libpq's SSL settings that pgjdbc understands with the same meaning. */
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    private SynapseDatabase() {
    }

    /** The connection Synapse's own config describes; errors name {@code acme.cluster.database} or Synapse's key. */
    static Connection read(Section top, Section cluster) {
        String key = "database";
        Object section = top.get("database");
        if (section == null && top.get("databases") instanceof Map<?, ?> several) {
            key = "databases";
            section = mainDatabase(top, several);
            if (section == null) {
                throw new ConfigException(top.fileOf(key) + ": databases: no entry lists 'main' in its data_stores,"
                        + " so acme.cluster.database: homeserver finds no database to use" + EXPLICIT);
            }
        }
        String where = top.fileOf(key).toString();
        if (section == null) {
            throw cluster.error("database", "'homeserver' reads Synapse's database: section, but there is none, so"
                    + " Synapse uses SQLite; a cluster needs PostgreSQL (Synapse's database.name: psycopg2)"
                    + EXPLICIT);
        }
        if (!(section instanceof Map<?, ?> database)) {
            throw new ConfigException(where + ": " + key + ": expected Synapse's database settings (name, args), found "
                    + Shown.describe(section));
        }
        Object name = database.get("name");
        if (!"psycopg2".equals(name)) {
            String found = name == null ? "no name (Synapse then uses SQLite)" : "'" + name + "'";
            throw cluster.error("database", "'homeserver' reads Synapse's " + key + " section (" + where + "), whose"
                    + " name is " + found + "; a cluster needs PostgreSQL (name: psycopg2)" + EXPLICIT);
        }
        if (!(database.get("args") instanceof Map<?, ?> args)) {
            throw new ConfigException(where + ": " + key + ".args: expected the PostgreSQL connection settings (user,"
                    + " password, database, host, port), found " + Shown.describe(database.get("args")));
        }
        String argsKey = key + (key.equals("databases") ? ".<main>" : "") + ".args";
        String user = string(args, "user", where, argsKey);
        if (user == null) {
            throw new ConfigException(where + ": " + argsKey + ".user: missing; expected the PostgreSQL user Synapse"
                    + " logs in as" + EXPLICIT);
        }
        String password = string(args, "password", where, argsKey);
        String db = string(args, "database", where, argsKey);
        if (db == null) {
            db = string(args, "dbname", where, argsKey);
        }
        if (db == null) {
            throw new ConfigException(where + ": " + argsKey + ".database: missing; expected the name of Synapse's"
                    + " PostgreSQL database (database or dbname)" + EXPLICIT);
        }
        String host = string(args, "host", where, argsKey);
        if (host == null || host.startsWith("/")) {
            throw new ConfigException(where + ": " + argsKey + ".host: " + (host == null
                    ? "missing, so Synapse connects through PostgreSQL's Unix socket"
                    : "'" + host + "' is a Unix socket folder") + ", which the JDBC driver of acme.cluster cannot use;"
                    + " expected a host name or address that PostgreSQL listens on (TCP)" + EXPLICIT);
        }
        int port = port(args.get("port"), where, argsKey);
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                .append(':').append(port).append('/').append(URLEncoder.encode(db, StandardCharsets.UTF_8));
        String sslmode = string(args, "sslmode", where, argsKey);
        String separator = "?";
        if (sslmode != null) {
            if (!SSL_MODES.contains(sslmode)) {
                throw new ConfigException(where + ": " + argsKey + ".sslmode: '" + sslmode + "' is not an sslmode the"
                        + " JDBC driver knows; expected one of " + String.join(", ", List.copyOf(
                        new java.util.TreeSet<>(SSL_MODES))));
            }
            url.append(separator).append("sslmode=").append(sslmode);
            separator = "&";
        }
        String rootCert = string(args, "sslrootcert", where, argsKey);
        if (rootCert != null) {
            url.append(separator).append("sslrootcert=").append(URLEncoder.encode(rootCert, StandardCharsets.UTF_8));
        }
        return new Connection(url.toString(), user, password);
    }

    /** The entry of {@code databases:} that holds Synapse's {@code main} data store, or null. */
    private static Object mainDatabase(Section top, Map<?, ?> several) {
        for (Object entry : several.values()) {
            if (entry instanceof Map<?, ?> db && db.get("data_stores") instanceof List<?> stores
                    && stores.contains("main")) {
                return db;
            }
        }
        return null;
    }

    private static String string(Map<?, ?> args, String name, String where, String argsKey) {
        Object value = args.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s.isBlank() ? null : s.trim();
        }
        if (value instanceof Number && !name.equals("password")) {
            return value.toString(); // a database called 2024, say
        }
        throw new ConfigException(where + ": " + argsKey + "." + name + ": expected a string, found "
                + (name.equals("password") ? Shown.describeType(value) : Shown.describe(value)));
    }

    private static int port(Object value, String where, String argsKey) {
        if (value == null) {
            return DEFAULT_PORT;
        }
        String text = value.toString().trim();
        if ((value instanceof Integer || value instanceof String) && text.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(text);
            if (Bounds.isPort(port)) {
                return port;
            }
        }
        throw new ConfigException(where + ": " + argsKey + ".port: " + Shown.describe(value) + " is not a port"
                + " number; expected an integer from 1 to 65535");
    }
}
