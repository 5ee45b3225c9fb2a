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
    private KeyPair newKeys;
    private List<X509Certificate> newChain;

    @BeforeEach
    void setUp() {
        cert = dir.resolve("certs/fullchain.pem");
        key = dir.resolve("keys/privkey.pem");
        newKeys = TestCerts.ecKey();
        newChain = List.of(TestCerts.validFor(newKeys, CLOCK.instant(), 90, "new.example.org"));
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
        KeyPair oldKeys = TestCerts.rsaKey();
        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK)
                .write(List.of(TestCerts.validFor(oldKeys, CLOCK.instant(), 90, "old.example.org")),
                        oldKeys.getPrivate());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        byte[] oldCert = Files.readAllBytes(cert);
        byte[] oldKey = Files.readAllBytes(key);

        assertThatThrownBy(() -> crashingAt(crashStep).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(SimulatedCrash.class);
        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK).recover();

        byte[] certNow = Files.readAllBytes(cert);
        byte[] keyNow = Files.readAllBytes(key);
        boolean old = Arrays.equals(certNow, oldCert) && Arrays.equals(keyNow, oldKey);
        boolean replaced = Pem.readCertificates(cert).equals(newChain)
                && Arrays.equals(Pem.readPrivateKey(key).getEncoded(), newKeys.getPrivate().getEncoded());
        assertThat(old || replaced).as("either the complete old or the complete new pair").isTrue();
        assertThat(replaced).as("new pair exactly when the crash came after the commit point")
                .isEqualTo(crashStep.committed());
        assertThat(KeyMatch.matches(Pem.readCertificates(cert).get(0), Pem.readPrivateKey(key))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-r-----");
        assertThat(leftovers()).isEmpty();

        // and the next write works normally
        KeyPair nextKeys = TestCerts.ecKey();
        new CertificatePairWriter(cert, key, FileOptions.defaults(), Clock.offset(CLOCK, Duration.ofSeconds(1)))
                .write(List.of(TestCerts.validFor(nextKeys, CLOCK.instant(), 90, "next.example.org")),
                        nextKeys.getPrivate());
        assertThat(KeyMatch.matches(Pem.readCertificates(cert).get(0), Pem.readPrivateKey(key))).isTrue();
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void crashWithoutPreviousFilesLeavesNoFilesOrTheNewPair(Step crashStep) throws IOException {
        assertThatThrownBy(() -> crashingAt(crashStep).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(SimulatedCrash.class);
        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK).recover();

        if (crashStep.committed()) {
            assertThat(Pem.readCertificates(cert)).isEqualTo(newChain);
            assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
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
