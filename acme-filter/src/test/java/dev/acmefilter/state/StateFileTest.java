package dev.acmefilter.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsTheInitialState() {
        assertThat(new StateFile(dir.resolve("s.properties")).load()).isEqualTo(RenewalState.INITIAL);
    }

    @Test
    void whatIsSavedIsWhatTheNextProcessLoads() throws Exception {
        Path file = dir.resolve("sub/s.properties");
        Instant t = Instant.parse("2026-06-01T10:00:00Z");
        new StateFile(file).update(s -> s.attempted(t).failed(t.plusSeconds(60), "boom: urn:x", "ca_error")
                .withPendingOrder("https://ca.example/order/1"));

        RenewalState loaded = new StateFile(file).load();

        assertThat(loaded).isEqualTo(new RenewalState(t, null, 1, t.plusSeconds(60), "https://ca.example/order/1",
                "boom: urn:x", "ca_error", null));
        assertThat(Files.readString(file)).contains("last_error_kind=ca_error");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void theAnnouncedAlertsSurviveARestartAndTheOtherFieldsKeepThem() throws Exception {
        Path file = dir.resolve("s.properties");
        Instant t = Instant.parse("2026-06-01T10:00:00Z");
        new StateFile(file).update(s -> s.withAlerted("failing,expiring"));
        new StateFile(file).update(s -> s.attempted(t).failed(t.plusSeconds(60), "boom", "network"));

        assertThat(new StateFile(file).load().alerted()).isEqualTo("failing,expiring");
        assertThat(Files.readString(file)).contains("alerted=failing,expiring");

        new StateFile(file).update(s -> s.withAlerted(""));
        assertThat(new StateFile(file).load().alerted()).isNull();
        assertThat(Files.readString(file)).doesNotContain("alerted");
    }

    @Test
    void aStateFileThatIsASymbolicLinkIsNeverWrittenThroughNorCopiedFrom() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "root:secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r-----"));
        Path file = dir.resolve("s.properties");
        Files.createSymbolicLink(file, victim);

        assertThatThrownBy(() -> new StateFile(file).update(s -> s.withAlerted("failing")))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("symbolic link");

        assertThat(Files.isSymbolicLink(file)).isTrue();
        assertThat(victim).hasContent("root:secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r-----");
    }

    @Test
    void aHugeStateFileIsSetAsideUnreadAndTheStateStartsOver() throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "consecutive_failures=3\n" + "#".repeat(200_000));

        assertThat(new StateFile(file).load()).isEqualTo(RenewalState.INITIAL);
        assertThat(dir.resolve("s.properties.corrupt")).exists();
    }

    @Test
    void aCorruptFileIsSetAsideAndTheStateStartsOver() throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "next_attempt=tomorrow\n");

        assertThat(new StateFile(file).load()).isEqualTo(RenewalState.INITIAL);
        assertThat(dir.resolve("s.properties.corrupt")).hasContent("next_attempt=tomorrow");
    }
}
