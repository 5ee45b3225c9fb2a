package dev.acmefilter.dns;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import dev.acmefilter.state.LockFile;
import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;

/**
 * The TXT records we added and have not removed yet, in a small file of the state folder,
 * so that a crash or {@code kill -9} between adding and removing leaves nothing behind for
 * long: an entry is written <em>before</em> the update is sent and dropped after the record
 * is gone, and the next start removes whatever is left. Each entry names the process that
 * added it (pid and start time), so that a start never removes the records of an order
 * another live process (the admin command, a second instance) is answering right now.
 *
 * <p>Every change reads, edits and rewrites the file under a {@link LockFile}, so that
 * concurrent orders of this process and other processes on the same state folder never
 * lose each other's entries. Lines this version cannot read are kept as they are.
 */
final class DnsJournal {

    private static final System.Logger LOG = System.getLogger(DnsJournal.class.getName());

    static final String FILE_NAME = "acme-dns-records.journal";
    private static final String LOCK_NAME = "acme-dns-records.lock";
    private static final String VERSION = "v1";
    private static final int MAX_BYTES = 1 << 20;
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);
    private static final Owner ORPHAN = new Owner(0, 0);

    /** A process: pid and start time (ms since the epoch, 0 when the OS does not say). */
    record Owner(long pid, long startMillis) {
        static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L));
        }

        /** Whether this process is still running (and is not another one that reuses its pid). */
        boolean isAlive() {
            if (pid == 0) {
                return false;
            }
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            return handle.isPresent() && handle.get().isAlive() && (startMillis == 0
                    || handle.get().info().startInstant().map(i -> i.toEpochMilli() == startMillis).orElse(true));
        }
    }

    /** One record we added: where, what, through which server or hook, by which process. */
    record Entry(String name, String value, String target, Owner owner) {
        Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(owner, "owner");
        }

        ChallengeRecord record() {
            return new ChallengeRecord(name.substring(ChallengeRecord.LABEL.length() + 1, name.length() - 1), name,
                    value);
        }

        String line() {
            return String.join(" ", VERSION, name, value, Long.toString(owner.pid()),
                    Long.toString(owner.startMillis()), URLEncoder.encode(target, StandardCharsets.UTF_8));
        }

        static Optional<Entry> parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 6 || !VERSION.equals(f[0]) || !f[1].startsWith(ChallengeRecord.LABEL + ".")) {
                return Optional.empty();
            }
            try {
                new ChallengeRecord("journal", f[1], f[2]); // validates name and value
                return Optional.of(new Entry(f[1], f[2], URLDecoder.decode(f[5], StandardCharsets.UTF_8),
                        new Owner(Long.parseLong(f[3]), Long.parseLong(f[4]))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private final Path file;
    private final LockFile lock;
    private final Owner self;

    DnsJournal(Path stateDir) {
        this(stateDir, Owner.current());
    }

    DnsJournal(Path stateDir, Owner self) {
        Path dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE_NAME);
        this.lock = new LockFile(dir.resolve(LOCK_NAME));
        this.self = self;
    }

    Path path() {
        return file;
    }

    /** Notes, before the update is sent, that this process adds {@code record} through {@code target}. */
    void adding(ChallengeRecord record, String target) throws DnsException, InterruptedException {
        Entry entry = new Entry(record.name(), record.value(), target, self);
        edit("adding " + record.name(), lines -> {
            lines.add(entry.line());
            return lines;
        });
    }

    /** Forgets {@code record}: it is gone from DNS (or was never added). */
    void removed(ChallengeRecord record, String target) throws DnsException, InterruptedException {
        replaceOurs(record, target, null);
    }

    /**
     * Hands {@code record} over to the next {@link #leftovers()} sweep: we could not tell
     * whether it was added, or could not remove it.
     */
    void orphaned(ChallengeRecord record, String target) throws DnsException, InterruptedException {
        replaceOurs(record, target, new Entry(record.name(), record.value(), target, ORPHAN).line());
    }

    private void replaceOurs(ChallengeRecord record, String target, String replacement)
            throws DnsException, InterruptedException {
        String ours = new Entry(record.name(), record.value(), target, self).line();
        edit("removing " + record.name(), lines -> {
            int at = lines.indexOf(ours);
            if (at >= 0) {
                if (replacement == null) {
                    lines.remove(at);
                } else {
                    lines.set(at, replacement);
                }
            }
            return lines;
        });
    }

    /** Forgets a leftover once it is removed from DNS. */
    void forget(Entry entry) throws DnsException, InterruptedException {
        edit("removing a leftover " + entry.name(), lines -> {
            lines.remove(entry.line());
            return lines;
        });
    }

    /** The entries of processes that are gone (a crash, a kill) and the ones handed over. */
    List<Entry> leftovers() throws DnsException, InterruptedException {
        List<Entry> found = new ArrayList<>();
        for (String line : read()) {
            Entry.parse(line).filter(e -> !e.owner().equals(self) && !e.owner().isAlive()).ifPresent(found::add);
        }
        return found;
    }

    /** Every entry, whoever owns it. */
    List<Entry> entries() throws DnsException, InterruptedException {
        List<Entry> found = new ArrayList<>();
        for (String line : read()) {
            Entry.parse(line).ifPresent(found::add);
        }
        return found;
    }

    private List<String> read() throws DnsException, InterruptedException {
        try (LockFile.Held held = lock.acquire(LOCK_TIMEOUT, "dns-01 journal: reading")) {
            return readLines();
        } catch (IOException | TimeoutException e) {
            throw failure("read", e);
        }
    }

    private void edit(String what, UnaryOperator<List<String>> change) throws DnsException, InterruptedException {
        try (LockFile.Held held = lock.acquire(LOCK_TIMEOUT, "dns-01 journal: " + what)) {
            List<String> before = readLines();
            List<String> after = change.apply(new ArrayList<>(before));
            if (after.equals(before)) {
                return;
            }
            if (after.isEmpty()) {
                Files.deleteIfExists(file);
            } else {
                AtomicFile.replace(file, (String.join("\n", after) + "\n").getBytes(StandardCharsets.UTF_8),
                        FileAttributes.OWNER_ONLY);
            }
        } catch (IOException | TimeoutException e) {
            throw failure("write", e);
        }
    }

    /** The lines of the file (none when it is missing); refuses a link or an oversized file. */
    private List<String> readLines() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException(file + " is larger than " + MAX_BYTES + " bytes; it is not a journal we wrote");
        }
        List<String> lines = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(line);
                if (Entry.parse(line).isEmpty()) {
                    LOG.log(Level.WARNING, "Keeping an unreadable line of {0} as it is: {1}", file,
                            ChallengeRecord.printable(line));
                }
            }
        }
        return lines;
    }

    private DnsException failure(String verb, Exception e) {
        return new DnsException(DnsException.Kind.JOURNAL, null, "cannot " + verb + " the journal of dns-01 records "
                + file + ": " + e.getMessage(), e);
    }
}
