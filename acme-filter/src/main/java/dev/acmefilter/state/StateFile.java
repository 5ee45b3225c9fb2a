package dev.acmefilter.state;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;

import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.Folders;
import dev.acmefilter.files.RegularFile;
import dev.acmefilter.files.UnsafeFileException;

/**
 * The {@link RenewalState} of one certificate, kept in a small properties file (beside the
 * account key, or in {@code acme.state_dir}). Written to a temporary file, synced and
 * renamed ({@link AtomicFile}), so a crash leaves the old or the new state, never half of one.
 * A state file that cannot be parsed, or is larger than {@value #MAX_SIZE} bytes, is set aside
 * (renamed {@code .corrupt}) and counts as a fresh start: the backoff then starts over, which
 * is safe, while refusing to run would not be. A state file that is a symbolic link is never
 * read nor written through: it reads as a fresh start with a warning, and saving fails
 * naming it.
 */
public final class StateFile implements RenewalStateStore {

    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());
    /** Far more than a state holds (a few hundred bytes). */
    static final int MAX_SIZE = 64 * 1024;

    private final Path file;

    public StateFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** The state file for the certificate at {@code certificate}, in {@code folder}. */
    public static StateFile forCertificate(Path folder, Path certificate) {
        return new StateFile(folder.resolve("acme-state-" + certificate.getFileName() + ".properties"));
    }

    /**
     * The state file of one certificate: Synapse's own ({@code default}) is named after its
     * file, as it always was; a listed certificate after its id, since two entries may use
     * the same file name in different folders.
     */
    public static StateFile of(Path folder, String certificateId, Path certificate) {
        return new StateFile(folder.resolve(fileName("acme-state", certificateId, certificate, ".properties")));
    }

    /** {@code <prefix>-<file name><suffix>} for the default certificate, {@code <prefix>@<id><suffix>} otherwise. */
    public static String fileName(String prefix, String certificateId, Path certificate, String suffix) {
        return "default".equals(certificateId) ? prefix + "-" + certificate.getFileName() + suffix
                : prefix + "@" + certificateId + suffix;
    }

    public Path path() {
        return file;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** Reads the file each time: another instance (or process) may have written it since. */
    @Override
    public synchronized RenewalState load() {
        return read();
    }

    /** Applies {@code change} to the current state and saves the result. */
    @Override
    public synchronized RenewalState update(UnaryOperator<RenewalState> change) throws IOException {
        RenewalState next = change.apply(load());
        write(next);
        return next;
    }

    private RenewalState read() {
        String text;
        try {
            text = new String(RegularFile.read(file, MAX_SIZE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return RenewalState.INITIAL;
        } catch (UnsafeFileException e) {
            if (e.kind() == UnsafeFileException.Kind.TOO_LARGE) {
                return setAside(e.getReason());
            }
            LOG.log(Level.WARNING, "Cannot read the renewal state: {0}; starting with a fresh state", e.getMessage());
            return RenewalState.INITIAL;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot read the renewal state {0} ({1}); starting with a fresh state", file, e);
            return RenewalState.INITIAL;
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(text));
            return new RenewalState(instant(p, "last_attempt"), instant(p, "last_success"),
                    Integer.parseInt(p.getProperty("consecutive_failures", "0")), instant(p, "next_attempt"),
                    p.getProperty("pending_order"), p.getProperty("last_error"), p.getProperty("last_error_kind"),
                    p.getProperty("alerted"));
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            return setAside(e.getMessage());
        }
    }

    private RenewalState setAside(String problem) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        LOG.log(Level.WARNING, "The renewal state {0} cannot be parsed ({1}); moved it to {2} and starting"
                + " with a fresh state", file, problem, aside);
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moveFailed) {
            LOG.log(Level.WARNING, "Cannot move {0} aside: {1}", file, moveFailed);
        }
        return RenewalState.INITIAL;
    }

    private void write(RenewalState state) throws IOException {
        Properties p = new Properties();
        put(p, "last_attempt", state.lastAttempt());
        put(p, "last_success", state.lastSuccess());
        p.setProperty("consecutive_failures", Integer.toString(state.consecutiveFailures()));
        put(p, "next_attempt", state.nextAttempt());
        if (state.pendingOrder() != null) {
            p.setProperty("pending_order", state.pendingOrder());
        }
        if (state.lastError() != null) {
            p.setProperty("last_error", state.lastError());
        }
        if (state.lastErrorKind() != null) {
            p.setProperty("last_error_kind", state.lastErrorKind());
        }
        if (state.alerted() != null) {
            p.setProperty("alerted", state.alerted());
        }
        StringWriter text = new StringWriter();
        p.store(text, "ACME renewal state of one certificate; safe to delete (the backoff starts over)");
        Folders.create(file.getParent(), Folders.OPEN_MODE, Optional.empty());
        // keeps the owner when the admin command runs as root: the webapp must still read it
        FileAttributes attributes = FileAttributes.OWNER_ONLY;
        Optional<FileAttributes> current = FileAttributes.read(file);
        if (current.isPresent()) {
            attributes = attributes.withOwnerAndGroupOf(current.get()).ownerIfPossible();
        }
        AtomicFile.replace(file, text.toString().getBytes(StandardCharsets.UTF_8), attributes);
    }

    private static Instant instant(Properties p, String key) {
        String value = p.getProperty(key);
        return value == null || value.isBlank() ? null : Instant.parse(value.trim());
    }

    private static void put(Properties p, String key, Instant value) {
        if (value != null) {
            p.setProperty(key, value.toString());
        }
    }
}
