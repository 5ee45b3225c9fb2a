package dev.acmefilter.output;

import java.io.IOException;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;
import dev.acmefilter.files.NewFile;
import dev.acmefilter.files.RegularFile;

/**
 * The backups {@link CertificatePairWriter} keeps of the pair it replaces, and their names:
 * {@code <file>.<yyyyMMdd'T'HHmmss'Z'>[-n].bak}, hard links to the replaced files (owner-only
 * copies where a hard link is not possible), the newest {@value #KEPT} of each file.
 */
final class PairBackups {

    private static final System.Logger LOG = System.getLogger(PairBackups.class.getName());

    /** How many backups of each file survive a successful write. */
    static final int KEPT = 5;
    static final String SUFFIX = ".bak";
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern STAMP_PATTERN = Pattern.compile("\\d{8}T\\d{6}Z(-\\d+)?\\.bak");
    /** Larger than any PEM key or chain we write: a backup that is larger is not one of ours. */
    private static final int MAX_PEM_SIZE = 1024 * 1024;

    private PairBackups() {
    }

    /** The suffix for this write's backups of {@code key} and {@code certificate}: the time, made unique. */
    static String suffix(Clock clock, Path key, Path certificate) {
        String stamp = STAMP.format(clock.instant());
        for (int n = 1; ; n++) {
            String suffix = "." + stamp + (n == 1 ? "" : "-" + n) + SUFFIX;
            if (!Files.exists(CertificatePairWriter.sibling(key, suffix), LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(CertificatePairWriter.sibling(certificate, suffix), LinkOption.NOFOLLOW_LINKS)) {
                return suffix;
            }
        }
    }

    /**
     * Keeps the current file (if any) as a hard link, or else an owner-only copy with the same
     * attributes, and adds it to {@code made}. A link at {@code original} is an error naming
     * it; {@code link(2)} would link a link itself, never its target, and the copy is read
     * without following one.
     */
    static void keep(Path original, String suffix, List<Path> made) throws IOException {
        Optional<FileAttributes> attributes = FileAttributes.read(original);
        if (attributes.isEmpty()) {
            return;
        }
        Path backup = CertificatePairWriter.sibling(original, suffix);
        try {
            Files.createLink(backup, original);
            made.add(backup);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            LOG.log(Level.DEBUG, "no hard link for the backup of {0} ({1}); copying", original, e.toString());
        }
        byte[] content = RegularFile.read(original, MAX_PEM_SIZE);
        try (NewFile copy = NewFile.create(backup, attributes.get())) {
            made.add(backup);
            copy.write(content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Deletes all but the newest {@value #KEPT} backups of {@code original}; best effort. */
    static void prune(Path original) {
        List<Path> backups;
        try {
            backups = of(original);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list old backups of {0}: {1}", original, e.toString());
            return;
        }
        for (int i = 0; i < backups.size() - KEPT; i++) {
            try {
                Files.deleteIfExists(backups.get(i));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete the old backup {0}: {1}", backups.get(i), e.toString());
            }
        }
    }

    /** The backups of {@code original}, oldest first (by time, then by the number of a second one in that second). */
    static List<Path> of(Path original) throws IOException {
        String prefix = original.getFileName().toString() + ".";
        try (var files = Files.list(original.getParent())) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(prefix) && STAMP_PATTERN.matcher(name.substring(prefix.length())).matches();
            }).sorted(Comparator.comparing(p -> age(p.getFileName().toString().substring(prefix.length())))).toList();
        }
    }

    /** {@code <stamp>[-n].bak} as a string that sorts by time, then by n (1 when absent). */
    private static String age(String suffix) {
        String stamp = suffix.substring(0, suffix.length() - SUFFIX.length());
        int dash = stamp.indexOf('-');
        long n = dash < 0 ? 1 : Long.parseLong(stamp.substring(dash + 1));
        return (dash < 0 ? stamp : stamp.substring(0, dash)) + String.format("%019d", n);
    }

    /** See {@link CertificatePairWriter#removeKeyBackups}. */
    static List<Path> removeKeyBackups(Path key, X509Certificate revoked) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Path backup : of(key)) {
            PrivateKey backedUp;
            try {
                byte[] pem = RegularFile.read(backup, MAX_PEM_SIZE);
                try {
                    backedUp = Pem.parsePrivateKey(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
                } finally {
                    Arrays.fill(pem, (byte) 0);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot tell whether the backup {0} holds the revoked key ({1}); left as it is",
                        backup, e.getMessage());
                continue;
            }
            if (KeyMatch.matches(revoked, backedUp)) {
                Files.delete(backup);
                removed.add(backup);
            }
        }
        if (!removed.isEmpty()) {
            Folders.sync(key.getParent());
            LOG.log(Level.INFO, "removed the backups of the revoked key: {0}", removed);
        }
        return removed;
    }
}
