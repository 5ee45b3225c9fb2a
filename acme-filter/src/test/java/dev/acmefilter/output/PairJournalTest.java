package dev.acmefilter.output;

import dev.acmefilter.files.UnsafeFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairJournalTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenJournalReadsBackAsItsTwoPathsKeyFirst() throws Exception {
        Path journal = Files.write(dir.resolve("tls.crt.journal"),
                PairJournal.text(Path.of("/etc/synapse/tls.key"), Path.of("/etc/synapse/tls.crt")));

        assertThat(PairJournal.read(journal)).contains(List.of(Path.of("/etc/synapse/tls.key"),
                Path.of("/etc/synapse/tls.crt")));
    }

    @Test
    void everyShorterPrefixOfAJournalIsIncomplete() throws Exception {
        byte[] whole = PairJournal.text(Path.of("/k"), Path.of("/c"));
        for (int n = 0; n < whole.length - 1; n++) {
            Path journal = Files.write(dir.resolve("j" + n), Arrays.copyOf(whole, n));
            assertThat(PairJournal.read(journal)).as("%d bytes", n).isEmpty();
        }
    }

    @Test
    void aJournalLargerThanTheLimitOrALinkIsRefusedUnread() throws Exception {
        Path large = Files.write(dir.resolve("large"), new byte[PairJournal.MAX_SIZE + 1]);
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.write(dir.resolve("real"),
                PairJournal.text(Path.of("/k"), Path.of("/c"))));

        assertThatThrownBy(() -> PairJournal.read(large)).isInstanceOf(UnsafeFileException.class);
        assertThatThrownBy(() -> PairJournal.read(link)).isInstanceOf(UnsafeFileException.class);
    }
}
