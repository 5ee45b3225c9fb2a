package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgjdbc is an optional dependency of the filter jar: a webapp without a cluster does not
 * carry it. So no class outside this package may name it, else such a webapp could fail
 * with NoClassDefFoundError; code outside reaches the cluster only through this package.
 */
class ClusterIsolationTest {

    @Test
    void noClassOutsideTheClusterPackageReferencesPgjdbc() throws Exception {
        Path classes = Path.of(ClusterSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path cluster = classes.resolve("dev/acmefilter/cluster");
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(classes)) {
            offenders = files.filter(f -> f.toString().endsWith(".class") && !f.startsWith(cluster))
                    .filter(ClusterIsolationTest::namesPgjdbc).collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
        try (Stream<Path> files = Files.walk(cluster)) {
            assertThat(files.filter(f -> f.toString().endsWith(".class")).filter(ClusterIsolationTest::namesPgjdbc)
                    .count())
                    .as("the check sees references where they are").isPositive();
        }
    }

    private static boolean namesPgjdbc(Path classFile) {
        try {
            String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return constants.contains("org/postgresql/");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
