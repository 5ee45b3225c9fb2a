package dev.acmefilter.provision;

import dev.acmefilter.files.AtomicFile;
import dev.acmefilter.files.FileAttributes;
import dev.acmefilter.files.RegularFile;
import dev.acmefilter.state.StateFile;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Remembers an order in progress across a crash or a restart, so that the next start
 * resumes it instead of ordering a duplicate certificate: the order's URL (in the
 * {@link StateFile}) and, once finalization starts, the certificate key the CSR was made
 * with (a separate 0600 file: a finalized order is useless without it).
 */
final class OrderJournal {

    private static final System.Logger LOG = System.getLogger(OrderJournal.class.getName());
    /** Far more than any PEM key pair we write. */
    private static final int MAX_KEY_SIZE = 64 * 1024;

    private final StateFile state;
    private final Path keyFile;

    OrderJournal(StateFile state, Path keyFile) {
        this.state = state;
        this.keyFile = keyFile;
    }

    static OrderJournal forCertificate(Path stateDir, Path certificate) {
        return new OrderJournal(StateFile.forCertificate(stateDir, certificate),
                stateDir.resolve("acme-pending-" + certificate.getFileName() + ".key"));
    }

    static OrderJournal forSettings(dev.acmefilter.config.CertificateSettings settings) {
        Path dir = settings.stateDir();
        String id = settings.id();
        return new OrderJournal(StateFile.of(dir, id, settings.certificatePath()),
                dir.resolve(StateFile.fileName("acme-pending", id, settings.certificatePath(), ".key")));
    }

    StateFile stateFile() {
        return state;
    }

    Optional<URL> pendingOrder() {
        return state.load().pendingOrderUrl().flatMap(url -> {
            try {
                return Optional.of(URI.create(url).toURL());
            } catch (MalformedURLException | IllegalArgumentException e) {
                LOG.log(Level.WARNING, "Ignoring the unreadable pending order URL {0} in {1}", url, state.path());
                return Optional.empty();
            }
        });
    }

    Optional<KeyPair> pendingKey() {
        if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (Reader reader = new StringReader(new String(RegularFile.read(keyFile, MAX_KEY_SIZE),
                StandardCharsets.US_ASCII))) {
            return Optional.of(KeyPairUtils.readKeyPair(reader));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Ignoring the unreadable pending certificate key {0}: {1}", keyFile, e.toString());
            return Optional.empty();
        }
    }

    void orderCreated(URL order) throws IOException {
        deleteKey();
        state.update(s -> s.withPendingOrder(order.toString()));
    }

    /** Called before the CSR is sent: from then on the order can only be completed with this key. */
    void finalizing(KeyPair key) throws IOException {
        AtomicFile.replace(keyFile, KeyPairs.pem(key), FileAttributes.OWNER_ONLY);
    }

    /** The order is finished (its certificate written) or abandoned: forget it. */
    void clear() throws IOException {
        deleteKey();
        if (state.load().pendingOrder() != null) {
            state.update(s -> s.withPendingOrder(null));
        }
    }

    private void deleteKey() throws IOException {
        Files.deleteIfExists(keyFile);
    }
}
