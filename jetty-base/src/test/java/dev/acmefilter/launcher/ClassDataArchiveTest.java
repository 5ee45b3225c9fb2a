package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java half of the class-data archive; test-run.sh runs both halves with real JVMs. */
class ClassDataArchiveTest {

    @TempDir
    Path cache;

    private List<String> mapsWith(Path archive) {
        return List.of("55d0c0a4f000-55d0c0a50000 r--p 00000000 fd:01 1234 /usr/lib/jvm/java-17/bin/java",
                "7f6e51bc7000-7f6e53e22000 rw-p 00001000 fd:01 5678 " + archive);
    }

    @Test
    void anArchiveTheJvmMappedFromALastRunThatServedIsKeptUnderItsName() throws Exception {
        Path written = Files.writeString(cache.resolve("classes.jsa.new-41"), "archive");
        Files.createFile(cache.resolve("classes.jsa.new-41.served"));
        Path failed = Files.writeString(cache.resolve("classes.jsa.new-40"), "small");

        assertThat(ClassDataArchive.settle(written.toString(), null, mapsWith(written)))
                .hasValue("Class-data archive written by the last run: kept as " + cache.resolve("classes.jsa"));
        assertThat(cache.resolve("classes.jsa")).hasContent("archive");
        assertThat(written).doesNotExist();
        assertThat(failed).doesNotExist();
        assertThat(cache.resolve("classes.jsa.new-41.served")).doesNotExist();
    }

    @Test
    void anArchiveTheJvmDidNotMapIsDeletedSoThatTheNextStartWritesOne() throws Exception {
        Path archive = Files.writeString(cache.resolve("classes.jsa"), "from another Java");

        assertThat(ClassDataArchive.settle(archive.toString(), null, mapsWith(cache.resolve("other.jsa"))))
                .hasValue("Class-data archive " + archive + " is not usable by this Java (written by another Java,"
                        + " or incomplete): deleted; the next start writes a new one");
        assertThat(archive).doesNotExist();
    }

    @Test
    void aMappedArchiveUnderItsNameStaysAsItIs() throws Exception {
        Path archive = Files.writeString(cache.resolve("classes.jsa"), "archive");

        assertThat(ClassDataArchive.settle(archive.toString(), null, mapsWith(archive))).isEmpty();
        assertThat(archive).hasContent("archive");
    }

    @Test
    void aStartThatWritesAnArchiveDropsTheOnesOfStartsThatFailedAndMarksItsOwnOnceItServes() throws Exception {
        Path failed = Files.writeString(cache.resolve("classes.jsa.new-40"), "small");
        String writing = cache.resolve("classes.jsa.new-42").toString();

        assertThat(ClassDataArchive.settle(null, writing, List.of())).isEmpty();
        assertThat(failed).doesNotExist();

        ClassDataArchive.served(writing);
        assertThat(Path.of(writing + ".served")).exists();
    }

    @Test
    void withoutAnArchiveNothingHappens() throws Exception {
        assertThat(ClassDataArchive.settle(null, null, List.of())).isEmpty();
        ClassDataArchive.served(null);
        assertThat(cache).isEmptyDirectory();
    }
}
