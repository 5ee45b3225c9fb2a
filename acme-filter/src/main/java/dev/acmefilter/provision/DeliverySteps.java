package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.KeystoreWriter;
import dev.acmefilter.reload.LiveVerifier;
import dev.acmefilter.reload.ReloadResult;
import dev.acmefilter.reload.Reloader;
import dev.acmefilter.reload.VerifyResult;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;

/**
 * What follows the write of a new certificate, whoever ordered it (this node, or another node
 * of the cluster): the keystore copy, the homeserver's reload, the proof that it is served.
 * Each step is optional and reports instead of failing: the files stay written.
 */
final class DeliverySteps {

    private static final System.Logger LOG = System.getLogger(DeliverySteps.class.getName());

    private final CertificateSettings settings;
    private final Clock clock;
    private final Optional<KeystoreWriter> keystore;
    private final Optional<Reloader> reloader;
    private final Optional<LiveVerifier> verifier;

    DeliverySteps(CertificateSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.keystore = KeystoreWriter.forSettings(settings);
        this.reloader = Reloader.forSettings(settings);
        this.verifier = LiveVerifier.forSettings(settings);
    }

    /** Gets {@code issued}, just written, to the homeserver. */
    Delivery deliver(IssuedCertificate issued) {
        Optional<String> keystoreOutcome = keystore.map(k -> {
            try {
                k.write(issued.chain(), issued.keyPair().getPrivate());
                return "written";
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot write the keystore {0}: {1}", k.path(), e.toString());
                return "not written: " + e;
            }
        });
        Optional<ReloadResult> reload = reloader.map(r ->
                r.reload(settings.certificatePath(), settings.privateKeyPath(), settings.domains()));
        Optional<VerifyResult> verify = verifier.map(v -> v.verify(issued.leaf()));
        return new Delivery(clock.instant(), keystoreOutcome, reload, verify);
    }
}
