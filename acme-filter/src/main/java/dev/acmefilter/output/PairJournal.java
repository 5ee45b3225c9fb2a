package dev.acmefilter.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.acmefilter.files.RegularFile;

/**
 * The commit record of {@link CertificatePairWriter}: {@code <certificate>.journal}, four
 * lines naming the two files the write renames into place. Read back without following a
 * link and within {@value #MAX_SIZE} bytes, since the folder may be another user's to write.
 */
final class PairJournal {

    /** Far more than two paths take. */
    static final int MAX_SIZE = 64 * 1024;
    private static final String HEADER = "acme-filter certificate update journal v1";
    private static final String KEY = "key=";
    private static final String CERTIFICATE = "certificate=";
    private static final String END = "end";

    private PairJournal() {
    }

    /** The journal of a write of {@code key} and {@code certificate}. */
    static byte[] text(Path key, Path certificate) {
        return (HEADER + "\n" + KEY + key + "\n" + CERTIFICATE + certificate + "\n" + END + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The final paths named by a complete journal (key first), or empty when the journal is
     * incomplete.
     *
     * @throws dev.acmefilter.files.UnsafeFileException when it is too large, a symbolic link
     *         or not a regular file
     */
    static Optional<List<Path>> read(Path journal) throws IOException {
        byte[] content = RegularFile.read(journal, MAX_SIZE);
        List<String> lines = List.of(new String(content, StandardCharsets.UTF_8).split("\n"));
        if (lines.size() != 4 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith(KEY)
                || !lines.get(2).startsWith(CERTIFICATE) || !lines.get(3).equals(END)) {
            return Optional.empty();
        }
        try {
            return Optional.of(List.of(Path.of(lines.get(1).substring(KEY.length())),
                    Path.of(lines.get(2).substring(CERTIFICATE.length()))));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
