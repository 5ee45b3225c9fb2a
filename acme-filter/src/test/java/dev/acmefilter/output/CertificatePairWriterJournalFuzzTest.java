package dev.acmefilter.output;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the recovery journal reader through its one entry point, {@link CertificatePairWriter#recover()}:
 * whatever {@code <certificate>.journal} holds (the writer's own two paths or others, cut short,
 * binary), recovery finishes or fails with an {@link IOException}; never another exception,
 * never a hang. When it finishes, the journal is gone and the certificate and key are each
 * either as they were or the {@code .new} file that was beside them: nothing else.
 *
 * <p>The input's {@code @DIR@} stands for the test's folder, so that seeds can name the
 * writer's own paths wherever the tests run.
 */
class CertificatePairWriterJournalFuzzTest {

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"acme-filter certificate update journal v1", "key=@DIR@/tls.key",
            "certificate=@DIR@/tls.crt", "end", "@DIR@", "/tls.key", "/tls.crt", ".new"})
    void recoversOrRefusesWithAnIOException(byte[] input) throws IOException {
        // the first byte says which .new files lie beside the pair (bit 0: certificate, bit 1: key); the rest is the journal
        if (input.length == 0) {
            return;
        }
        Path folder = freshFolder();
        Path certificate = folder.resolve("tls.crt");
        Path key = folder.resolve("tls.key");
        boolean newCertificate = (input[0] & 1) != 0;
        boolean newKey = (input[0] & 2) != 0;
        Files.writeString(certificate, "old certificate");
        Files.writeString(key, "old key");
        if (newCertificate) {
            Files.writeString(folder.resolve("tls.crt.new"), "new certificate");
        }
        if (newKey) {
            Files.writeString(folder.resolve("tls.key.new"), "new key");
        }
        // byte for byte (ISO-8859-1 maps each byte to one char and back), @DIR@ replaced
        String journal = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1).replace("@DIR@",
                folder.toString());
        Files.write(folder.resolve("tls.crt.journal"), journal.getBytes(StandardCharsets.ISO_8859_1));
        CertificatePairWriter writer = new CertificatePairWriter(certificate, key, FileOptions.defaults(),
                Clock.systemUTC());
        FuzzBudget budget = FuzzBudget.start();
        try {
            writer.recover();
        } catch (IOException e) {
            budget.check("recovering");
            return;
        }
        budget.check("recovering");
        assertThat(folder.resolve("tls.crt.journal")).doesNotExist();
        assertThat(Files.readString(certificate)).isIn("old certificate", "new certificate");
        assertThat(Files.readString(key)).isIn("old key", "new key");
    }

    /** An empty folder of its own for each input. */
    private static Path freshFolder() throws IOException {
        Path folder = dir.resolve("tls");
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectory(folder);
    }
}
