package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.acmefilter.output.CertificatePairWriter.Step;

/**
 * Simulates kill -9 at every step of a write: the hook throws an {@link Error}, which the
 * writer does not clean up after (as a killed process could not), and a fresh writer recovers.
 */
class CertificatePairWriterCrashTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    /** Stands for the process dying: not an IOException, so no clean-up runs. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(Step step) {
            super("crash at " + step);
        }
    }

    @TempDir
    Path dir;

    private Path cert;
    private Path key;
    private final KeyPair newKeys = TestCerts.ecKey();
    private final List<X509Certificate> newChain = chainFor(newKeys, "new.example.org");

    @BeforeEach
    void paths() {
        cert = dir.resolve("certs/fullchain.pem");
        key = dir.resolve("keys/privkey.pem");
    }

    private static List<X509Certificate> chainFor(KeyPair keys, String name) {
        return List.of(TestCerts.validFor(keys, CLOCK.instant(), 90, name));
    }

    /** Writes a chain for {@code name} with {@code keys} through a writer on {@code clock} that does not crash. */
    private void writeWithoutCrash(Clock clock, KeyPair keys, String name) throws IOException {
        new CertificatePairWriter(cert, key, FileOptions.defaults(), clock).write(chainFor(keys, name),
                keys.getPrivate());
    }

    private void recover() throws IOException {
        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK).recover();
    }

    /** Whether the files hold exactly {@link #newChain} and the private key of {@link #newKeys}. */
    private boolean holdTheNewPair() throws IOException {
        return Pem.readCertificates(cert).equals(newChain)
                && Arrays.equals(Pem.readPrivateKey(key).getEncoded(), newKeys.getPrivate().getEncoded());
    }

    private CertificatePairWriter crashingAt(Step crashStep) {
        return new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK, step -> {
            if (step == crashStep) {
                throw new SimulatedCrash(step);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void crashAtAnyStepLeavesTheOldOrTheNewPairAfterRecovery(Step crashStep) throws IOException {
        writeWithoutCrash(CLOCK, TestCerts.rsaKey(), "old.example.org");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        byte[] oldCert = Files.readAllBytes(cert);
        byte[] oldKey = Files.readAllBytes(key);

        assertThatThrownBy(() -> crashingAt(crashStep).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(SimulatedCrash.class);
        recover();

        byte[] certNow = Files.readAllBytes(cert);
        byte[] keyNow = Files.readAllBytes(key);
        boolean old = Arrays.equals(certNow, oldCert) && Arrays.equals(keyNow, oldKey);
        boolean replaced = holdTheNewPair();
        assertThat(old || replaced).as("either the complete old or the complete new pair").isTrue();
        assertThat(replaced).as("new pair exactly when the crash came after the commit point")
                .isEqualTo(crashStep.committed());
        assertThat(KeyMatch.matches(Pem.readCertificates(cert).get(0), Pem.readPrivateKey(key))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-r-----");
        assertThat(leftovers()).isEmpty();

        // and the next write works normally
        writeWithoutCrash(Clock.offset(CLOCK, Duration.ofSeconds(1)), TestCerts.ecKey(), "next.example.org");
        assertThat(KeyMatch.matches(Pem.readCertificates(cert).get(0), Pem.readPrivateKey(key))).isTrue();
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void crashWithoutPreviousFilesLeavesNoFilesOrTheNewPair(Step crashStep) throws IOException {
        assertThatThrownBy(() -> crashingAt(crashStep).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(SimulatedCrash.class);
        recover();

        if (crashStep.committed()) {
            assertThat(holdTheNewPair()).as("the new chain and key").isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        } else {
            assertThat(cert).doesNotExist();
            assertThat(key).doesNotExist();
        }
        assertThat(leftovers()).isEmpty();
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".new")
                    || p.getFileName().toString().endsWith(".journal")).toList();
        }
    }
}
