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
 * The {@link OrderJournal} of one host: the order's URL in the certificate's
 * {@link StateFile}, and once finalization starts the certificate key the CSR was made with
 * in a separate 0600 file beside it (a finalized order is useless without it).
 */
public final class FileOrderJournal implements OrderJournal {

    private static final System.Logger LOG = System.getLogger(FileOrderJournal.class.getName());
    /** Far more than any PEM key pair we write. */
    private static final int MAX_KEY_SIZE = 64 * 1024;

    private final StateFile state;
    private final Path keyFile;

    FileOrderJournal(StateFile state, Path keyFile) {
        this.state = state;
        this.keyFile = keyFile;
    }

    /** The journal of {@code settings}' certificate, keeping the order's URL in {@code state}. */
    public static FileOrderJournal of(dev.acmefilter.config.CertificateSettings settings, StateFile state) {
        return new FileOrderJournal(state, settings.stateDir().resolve(StateFile.fileName("acme-pending",
                settings.id(), settings.certificatePath(), ".key")));
    }

    public StateFile stateFile() {
        return state;
    }

    @Override
    public String describe() {
        return state.path().toString();
    }

    @Override
    public Optional<URL> pendingOrder() {
        return state.load().pendingOrderUrl().flatMap(url -> {
            try {
                return Optional.of(URI.create(url).toURL());
            } catch (MalformedURLException | IllegalArgumentException e) {
                LOG.log(Level.WARNING, "Ignoring the unreadable pending order URL {0} in {1}", url, state.path());
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<KeyPair> pendingKey() {
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

    @Override
    public void orderCreated(URL order) throws IOException {
        deleteKey();
        state.update(s -> s.withPendingOrder(order.toString()));
    }

    @Override
    public void finalizing(KeyPair key) throws IOException {
        AtomicFile.replace(keyFile, KeyPairs.pem(key), FileAttributes.OWNER_ONLY);
    }

    @Override
    public void clear() throws IOException {
        deleteKey();
        if (state.load().pendingOrder() != null) {
            state.update(s -> s.withPendingOrder(null));
        }
    }

    private void deleteKey() throws IOException {
        Files.deleteIfExists(keyFile);
    }
}
