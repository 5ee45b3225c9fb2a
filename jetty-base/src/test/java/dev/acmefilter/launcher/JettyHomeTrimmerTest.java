package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JettyHomeTrimmerTest {

    @TempDir
    Path home;

    @Test
    void theJarsTheStartCommandNamesAreTheUsedOnes() {
        List<String> lines = List.of("jetty.home jetty-home-12.1.8", "class-path ${jetty.base}/resources",
                "class-path ${jetty.home}/lib/jetty-util-12.1.8.jar", "arg -cp",
                "arg ${jetty.home}/lib/jetty-ee10-webapp-12.1.8.jar", "arg ${jetty.home}/etc/jetty.xml",
                "system jetty.home=${jetty.home}");

        assertThat(JettyHomeTrimmer.used(lines, home)).containsExactlyInAnyOrder(
                home.resolve("lib/jetty-util-12.1.8.jar"), home.resolve("lib/jetty-ee10-webapp-12.1.8.jar"));
    }

    @Test
    void unusedJarsAndTheFoldersTheyLeaveEmptyGoEverythingElseStays() throws IOException {
        Path lib = Files.createDirectories(home.resolve("lib"));
        Path used = Files.writeString(lib.resolve("jetty-util.jar"), "u");
        Path usedInFolder = Files.writeString(Files.createDirectories(lib.resolve("logging")).resolve("slf4j.jar"), "s");
        Files.writeString(Files.createDirectories(lib.resolve("ee9-jsp")).resolve("jsp.jar"), "12345");
        Files.writeString(lib.resolve("jetty-http3.jar"), "123");
        Path notAJar = Files.writeString(lib.resolve("README.txt"), "kept");

        long[] removed = JettyHomeTrimmer.trim(lib, Set.of(used, usedInFolder));

        assertThat(removed).containsExactly(2, 8);
        assertThat(used).exists();
        assertThat(usedInFolder).exists();
        assertThat(notAJar).exists();
        assertThat(lib.resolve("ee9-jsp")).doesNotExist();
        assertThat(lib.resolve("jetty-http3.jar")).doesNotExist();
    }

    @Test
    void aStartCommandWithoutJarsRemovesNothing() throws IOException {
        Path lib = Files.createDirectories(home.resolve("lib"));
        Path jar = Files.writeString(lib.resolve("jetty-util.jar"), "u");

        assertThatThrownBy(() -> JettyHomeTrimmer.trim(lib, Set.of())).hasMessageContaining("names no jar");
        assertThat(jar).exists();
    }
}
