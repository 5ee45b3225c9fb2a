package dev.acmefilter.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresServerTest {

    @Test
    void aServerStopsLikeACrashStartsAgainWithItsDataAndLeavesNothingBehind() throws Exception {
        Path data;
        long postmaster;
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("app", "app_user", "app pass 'quoted'");
            try (Connection c = connect(pg, "app", "app_user", "app pass 'quoted'"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives a crash')");
            }
            data = dataFolder(pg);
            postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            assertThat(running(postmaster)).isTrue();

            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> connect(pg, "app", "app_user", "app pass 'quoted'"))
                    .isInstanceOf(SQLException.class);

            pg.startAgain();
            try (Connection c = connect(pg, "app", "app_user", "app pass 'quoted'"); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT v FROM kept")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("survives a crash");
            }
            assertThat(pg.pgDump("app")).contains("CREATE TABLE public.kept").contains("survives a crash");
            postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        }
        assertThat(running(postmaster)).as("the postmaster is gone").isFalse();
        assertThat(data.getParent()).doesNotExist();
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("app", "app_user", "right");
            assertThatThrownBy(() -> connect(pg, "app", "app_user", "wrong")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }

    /** Whether {@code pid} runs (an exited child not yet reaped by init is a zombie: not running). */
    private static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text;
        try {
            text = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        char state = text.charAt(text.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    private static Connection connect(PostgresServer pg, String db, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(pg.jdbcUrl(db), p);
    }

    private static Path dataFolder(PostgresServer pg) throws SQLException {
        try (Connection c = pg.superuserConnection("postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW data_directory")) {
            r.next();
            return Path.of(r.getString(1));
        }
    }
}
