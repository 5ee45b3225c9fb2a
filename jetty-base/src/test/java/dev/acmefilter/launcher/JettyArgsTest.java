package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JettyArgsWriter} at build time and {@link JettyArgs} at run time, on a recorded dry run. */
class JettyArgsTest {

    private static final Path BUILD = Path.of("/build/target/matrix-acme");
    /** What start.jar --dry-run printed for the build's folders (shortened). */
    private static final String DRY_RUN = "/usr/lib/jvm/java-17/bin/java -Djava.io.tmpdir=/tmp"
            + " -Djetty.home=/build/target/matrix-acme/jetty-home-12.1.8 -Djetty.base=/build/target/matrix-acme/jetty-base"
            + " --class-path /build/target/matrix-acme/jetty-base/resources:/build/target/matrix-acme/jetty-home-12.1.8/lib/jetty-util-12.1.8.jar"
            + " org.eclipse.jetty.xml.XmlConfiguration java.version=17.0.15"
            + " jetty.base.uri=file:///build/target/matrix-acme/jetty-base jetty.http.host=ACME_HTTP_HOST"
            + " jetty.http.port=ACME_HTTP_PORT"
            + " jetty.webapp.addHiddenClasses=org.eclipse.jetty.logging.,file:///build/target/matrix-acme/jetty-home-12.1.8/lib/logging/,org.slf4j."
            + " /build/target/matrix-acme/jetty-home-12.1.8/etc/jetty.xml --env ee10"
            + " -cp /build/target/matrix-acme/jetty-home-12.1.8/lib/jetty-ee10-webapp-12.1.8.jar"
            + " /build/target/matrix-acme/jetty-home-12.1.8/etc/jetty-ee10-deploy.xml";

    @TempDir
    Path dir;

    private JettyArgs installedAt(Path home, ListenAddress listen, List<String> extra) throws Exception {
        Path file = dir.resolve(JettyArgs.FILE);
        Files.writeString(file, JettyArgsWriter.write(DRY_RUN, BUILD, "jetty-home-12.1.8", "jetty-base"));
        return JettyArgs.read(file, home, listen, extra);
    }

    @Test
    void theBuildsFoldersBecomeTheInstalledOnes() throws Exception {
        Path home = Path.of("/usr/share/matrix-acme");
        JettyArgs jetty = installedAt(home, new ListenAddress(80, "127.0.0.1"), List.of());

        assertThat(jetty.jettyHome()).isEqualTo(home.resolve("jetty-home-12.1.8"));
        assertThat(jetty.systemProperties()).containsEntry("jetty.home", "/usr/share/matrix-acme/jetty-home-12.1.8")
                .containsEntry("jetty.base", "/usr/share/matrix-acme/jetty-base").containsEntry("java.io.tmpdir", "/tmp");
        assertThat(jetty.classPath()).containsExactly(Path.of("/usr/share/matrix-acme/jetty-base/resources"),
                Path.of("/usr/share/matrix-acme/jetty-home-12.1.8/lib/jetty-util-12.1.8.jar"));
        assertThat(jetty.args()).containsExactly(
                "java.version=" + System.getProperty("java.version"),
                "jetty.base.uri=file:///usr/share/matrix-acme/jetty-base",
                "jetty.http.host=127.0.0.1",
                "jetty.http.port=80",
                "jetty.webapp.addHiddenClasses=org.eclipse.jetty.logging.,file:///usr/share/matrix-acme/jetty-home-12.1.8/lib/logging/,org.slf4j.",
                "/usr/share/matrix-acme/jetty-home-12.1.8/etc/jetty.xml", "--env", "ee10",
                "-cp", "/usr/share/matrix-acme/jetty-home-12.1.8/lib/jetty-ee10-webapp-12.1.8.jar",
                "/usr/share/matrix-acme/jetty-home-12.1.8/etc/jetty-ee10-deploy.xml");
    }

    @Test
    void allInterfacesLeavesTheHostOutAndMorePropertiesFollowThePort() throws Exception {
        JettyArgs jetty = installedAt(dir, new ListenAddress(8009, ""), List.of("jetty.http.idleTimeout=60000"));

        assertThat(jetty.args()).noneMatch(a -> a.startsWith("jetty.http.host"))
                .containsSubsequence("jetty.http.port=8009", "jetty.http.idleTimeout=60000");
    }

    @Test
    void aDryRunThatNeedsJvmOptionsOfItsOwnFailsTheBuild() {
        String withExec = DRY_RUN.replace(" -Djava.io.tmpdir=/tmp", " -Xmx1g");

        assertThatThrownBy(() -> JettyArgsWriter.write(withExec, BUILD, "jetty-home-12.1.8", "jetty-base"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-Xmx1g'");
        assertThatThrownBy(() -> JettyArgsWriter.write("java -jar start.jar", BUILD, "h", "b"))
                .hasMessageContaining("no 'org.eclipse.jetty.xml.XmlConfiguration' command");
    }

    @Test
    void aLineItDoesNotKnowIsNamedWithItsNumber() throws Exception {
        Path file = Files.writeString(dir.resolve(JettyArgs.FILE), "jetty.home h\njetty.base b\n# comment\nflag x\n");

        assertThatThrownBy(() -> JettyArgs.read(file, dir, new ListenAddress(8009, ""), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(file + ":4: unknown entry 'flag'");
    }

    @Test
    void quotedWordsOfTheDryRunAreUnquoted() {
        assertThat(JettyArgsWriter.words("java 'a=b,c' d")).containsExactly("java", "a=b,c", "d");
        assertThatThrownBy(() -> JettyArgsWriter.words("java 'two words'")).isInstanceOf(IllegalArgumentException.class);
    }
}
