package dev.acmefilter.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PairBackupsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aBackupIsAHardLinkNamedAfterTheTimeAndASecondOneInTheSameSecondGetsANumber() throws Exception {
        Path key = Files.writeString(dir.resolve("tls.key"), "key");
        Path certificate = Files.writeString(dir.resolve("tls.crt"), "certificate");
        List<Path> made = new ArrayList<>();

        String first = PairBackups.suffix(CLOCK, key, certificate);
        PairBackups.keep(key, first, made);
        String second = PairBackups.suffix(CLOCK, key, certificate);

        assertThat(first).isEqualTo(".20250102T030405Z.bak");
        assertThat(second).isEqualTo(".20250102T030405Z-2.bak");
        assertThat(made).containsExactly(dir.resolve("tls.key.20250102T030405Z.bak"));
        assertThat(Files.isSameFile(made.get(0), key)).isTrue();
    }

    @Test
    void onlyFilesNamedAsBackupsOfThatFileAreItsBackupsOldestFirst() throws Exception {
        for (String name : List.of("tls.key.20250103T000000Z.bak", "tls.key.20250102T000000Z-2.bak",
                "tls.key.20250102T000000Z.bak", "tls.key.old", "tls.key.bak", "tls.crt.20250102T000000Z.bak",
                "tls.key.20250102T000000Z.bak.tmp")) {
            Files.writeString(dir.resolve(name), name);
        }

        assertThat(PairBackups.of(dir.resolve("tls.key"))).extracting(p -> p.getFileName().toString())
                .containsExactly("tls.key.20250102T000000Z.bak", "tls.key.20250102T000000Z-2.bak",
                        "tls.key.20250103T000000Z.bak");
    }
}
