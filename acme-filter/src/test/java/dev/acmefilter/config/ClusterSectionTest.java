package dev.acmefilter.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSectionTest {

    private static final String SYNAPSE_DB = """
            database:
              name: psycopg2
              txn_limit: 10000
              args:
                user: synapse_user
                password: 'db-secret-123'
                database: synapse
                host: db.example.org
                port: 5433
                cp_min: 5
                cp_max: 10
            """;

    @TempDir
    Path dir;
    private final byte[] secret = SecretFileTest.randomSecret();

    @BeforeEach
    void secretFiles() throws IOException {
        privateFile("cluster.key", HexFormat.of().formatHex(secret) + "\n");
        privateFile("db.pass", "pass-from-file\n");
    }

    private Path privateFile(String name, String content) throws IOException {
        Path f = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private AcmeConfig load(String topLevel, String... clusterLines) throws IOException {
        StringBuilder yaml = new StringBuilder(TestConfig.ENABLED).append("  cluster:\n");
        for (String line : clusterLines) {
            yaml.append("    ").append(line).append('\n');
        }
        return TestConfig.load(dir, topLevel + yaml);
    }

    private ClusterSettings cluster(String topLevel, String... clusterLines) throws IOException {
        return load(topLevel, clusterLines).cluster().orElseThrow();
    }

    @Test
    void withoutTheSectionTheNodeWorksAlone() throws Exception {
        assertThat(TestConfig.loadEnabledWith(dir).cluster()).isEmpty();
    }

    @Test
    void theDefaultDatabaseIsSynapsesOwnPostgresql() throws Exception {
        ClusterSettings c = cluster(SYNAPSE_DB, "secret_file: cluster.key");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5433/synapse");
        assertThat(c.user()).isEqualTo("synapse_user");
        assertThat(c.password()).isEqualTo("db-secret-123");
        assertThat(c.secret()).isEqualTo(secret);
        assertThat(c.schema()).isEqualTo("acme");
        assertThat(c.node()).isEqualTo(ClusterSettings.defaultNode());
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.standaloneAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(cluster(SYNAPSE_DB, "database: homeserver", "secret_file: cluster.key")).isEqualTo(c);
    }

    @Test
    void synapsesDbnameSslSettingsAndMultiDatabaseLayoutAreRead() throws Exception {
        String dbname = """
                database:
                  name: psycopg2
                  args: {user: s, dbname: matrix, host: '2001:db8::5', sslmode: verify-full, sslrootcert: /etc/ca.pem}
                """;
        assertThat(cluster(dbname, "secret_file: cluster.key").jdbcUrl()).isEqualTo(
                "jdbc:postgresql://[2001:db8::5]:5432/matrix?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        String several = """
                databases:
                  state_db:
                    name: psycopg2
                    data_stores: [state]
                    args: {user: s, database: state, host: h1}
                  main_db:
                    name: psycopg2
                    data_stores: [main]
                    args: {user: m, database: main, host: h2}
                """;
        ClusterSettings c = cluster(several, "secret_file: cluster.key");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h2:5432/main");
        assertThat(c.user()).isEqualTo("m");
        assertThat(c.password()).isNull();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ClusterSettings c = cluster("", "database: {url: 'jdbc:postgresql://db:5432/acme', user: acme,"
                + " password_file: db.pass}", "schema: acme_fleet", "node: fe-2.example", "secret_file: cluster.key",
                "lease: 10", "standalone_after: 36h");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/acme");
        assertThat(c.user()).isEqualTo("acme");
        assertThat(c.password()).isEqualTo("pass-from-file");
        assertThat(c.schema()).isEqualTo("acme_fleet");
        assertThat(c.node()).isEqualTo("fe-2.example");
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.standaloneAfter()).isEqualTo(Duration.ofHours(36));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            7200  | PT2H
            '90m' | PT1H30M
            2d    | PT48H
            3600s | PT1H
            ' 5 H'| PT5H
            """)
    void standaloneAfterTakesSecondsOrASuffix(String value, String expected) throws Exception {
        assertThat(cluster(SYNAPSE_DB, "secret_file: cluster.key", "standalone_after: " + value).standaloneAfter())
                .isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            secret_file: cluster.key; lease: 2             | acme.cluster.lease: 2 is not a number of seconds from 3 to 600; expected a whole number of seconds from 3 to 600
            secret_file: cluster.key; lease: 'half'        | acme.cluster.lease: 'half' is not a number of seconds from 3 to 600; expected a whole number of seconds from 3 to 600
            secret_file: cluster.key; lease: 601           | acme.cluster.lease: 601 is not a number of seconds from 3 to 600; expected a whole number of seconds from 3 to 600
            secret_file: cluster.key; standalone_after: 1w | acme.cluster.standalone_after: '1w' is not a duration; expected a duration such as 24h, 90m, 2d or 3600s (a plain number is seconds), from the lease to 365d
            secret_file: cluster.key; standalone_after: 10 | acme.cluster.standalone_after: 10 is shorter than the lease (30 s); expected a duration such as 24h, 90m, 2d or 3600s (a plain number is seconds), from the lease to 365d
            secret_file: cluster.key; standalone_after: 400d | acme.cluster.standalone_after: '400d' is more than a year; expected a duration such as 24h, 90m, 2d or 3600s (a plain number is seconds), from the lease to 365d
            secret_file: cluster.key; standalone_after: [1] | acme.cluster.standalone_after: expected a duration such as 24h, 90m, 2d or 3600s (a plain number is seconds), from the lease to 365d, found a list
            secret_file: cluster.key; schema: 'Acme;'      | acme.cluster.schema: 'Acme;' is not a plain SQL name; expected a plain lower-case SQL name (letters, digits and '_', not starting with a digit nor 'pg_', at most 40 characters)
            secret_file: cluster.key; schema: pg_acme      | acme.cluster.schema: 'pg_acme' is not a plain SQL name; expected a plain lower-case SQL name (letters, digits and '_', not starting with a digit nor 'pg_', at most 40 characters)
            secret_file: cluster.key; node: 'fe 1'         | acme.cluster.node: 'fe 1' is not a node name; expected a name of letters, digits, '.', '_' and '-', at most 63 characters, unique in the cluster
            secret_file: cluster.key; database: mysql      | acme.cluster.database: 'mysql' is neither 'homeserver' nor a mapping; expected 'homeserver' (Synapse's own database: section) or a mapping with url, user, password_file
            secret_file: cluster.key; database: {user: a}  | acme.cluster.database.url: missing; expected a PostgreSQL JDBC URL such as 'jdbc:postgresql://db.example.org:5432/synapse'
            secret_file: cluster.key; database: {url: 'jdbc:mysql://db/x', user: a} | acme.cluster.database.url: 'jdbc:mysql://db/x' is not a PostgreSQL JDBC URL; expected a PostgreSQL JDBC URL such as 'jdbc:postgresql://db.example.org:5432/synapse'
            secret_file: cluster.key; database: {url: 'jdbc:postgresql://db/x'} | acme.cluster.database.user: missing; expected the database user
            lease: 10                                      | acme.cluster.secret_file: missing; expected the file of the 32-byte secret all nodes share (private keys are stored encrypted with it); make one with 'openssl rand -hex 32 > FILE && chmod 600 FILE' and copy it to every node
            """)
    void aWrongValueNamesTheKey(String lines, String message) {
        String[] clusterLines = lines.split("; ");
        assertThatThrownBy(() -> load(SYNAPSE_DB, clusterLines))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": " + message);
    }

    @Test
    void aSecretFileOthersCanReadIsRefusedByName() throws Exception {
        Path open = privateFile("open.key", HexFormat.of().formatHex(secret));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> load(SYNAPSE_DB, "secret_file: open.key"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": acme.cluster.secret_file: " + open
                        + " is accessible by other users (mode rw-r--r--); run 'chmod 600 " + open
                        + "' (or 640 with the service's group)");
        assertThatThrownBy(() -> load(SYNAPSE_DB, "secret_file: missing.key"))
                .hasMessageStartingWith(dir.resolve("homeserver.yaml") + ": acme.cluster.secret_file: "
                        + dir.resolve("missing.key") + " does not exist; make one with 'openssl rand -hex 32");
    }

    @Test
    void aSqliteSynapseIsRefusedBecauseAClusterNeedsPostgresql() {
        String sqlite = "database:\n  name: sqlite3\n  args: {database: /data/homeserver.db}\n";
        Path yaml = dir.resolve("homeserver.yaml");

        assertThatThrownBy(() -> load(sqlite, "secret_file: cluster.key"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(yaml + ": acme.cluster.database: 'homeserver' reads Synapse's database section (" + yaml
                        + "), whose name is 'sqlite3'; a cluster needs PostgreSQL (name: psycopg2); or set"
                        + " acme.cluster.database to {url: 'jdbc:postgresql://HOST:5432/DB', user: USER,"
                        + " password_file: FILE}");
        assertThatThrownBy(() -> load("", "secret_file: cluster.key"))
                .hasMessage(yaml + ": acme.cluster.database: 'homeserver' reads Synapse's database: section, but there"
                        + " is none, so Synapse uses SQLite; a cluster needs PostgreSQL (Synapse's database.name:"
                        + " psycopg2); or set acme.cluster.database to {url: 'jdbc:postgresql://HOST:5432/DB', user:"
                        + " USER, password_file: FILE}");
    }

    @Test
    void aUnixSocketHostIsRefusedWithTheWayOut() {
        String socket = "database:\n  name: psycopg2\n  args: {user: s, database: d, host: /var/run/postgresql}\n";

        assertThatThrownBy(() -> load(socket, "secret_file: cluster.key"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": database.args.host: '/var/run/postgresql' is a Unix"
                        + " socket folder, which the JDBC driver of acme.cluster cannot use; expected a host name or"
                        + " address that PostgreSQL listens on (TCP); or set acme.cluster.database to {url:"
                        + " 'jdbc:postgresql://HOST:5432/DB', user: USER, password_file: FILE}");
    }

    @Test
    void thePasswordsNeverShowInAMessageNorInToString() throws Exception {
        String badPort = SYNAPSE_DB.replace("port: 5433", "port: 99999");
        assertThatThrownBy(() -> load(badPort, "secret_file: cluster.key"))
                .hasMessageContaining("database.args.port: 99999 is not a port number")
                .message().doesNotContain("db-secret-123");
        String numericPassword = SYNAPSE_DB.replace("'db-secret-123'", "[1, 2]");
        assertThatThrownBy(() -> load(numericPassword, "secret_file: cluster.key"))
                .hasMessageEndingWith("database.args.password: expected a string, found a list");
        ClusterSettings c = cluster("", "database: {url: 'jdbc:postgresql://db/x', user: a, password_file: db.pass}",
                "secret_file: cluster.key");
        assertThat(c.toString()).doesNotContain("pass-from-file").doesNotContain(HexFormat.of().formatHex(secret));
        assertThat(cluster(SYNAPSE_DB, "secret_file: cluster.key").toString()).doesNotContain("db-secret-123");
    }
}
