package dev.acmefilter.provision;

import dev.acmefilter.config.KeyType;
import dev.acmefilter.output.Pem;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Optional;

/**
 * The key a new certificate is ordered with: a fresh one of {@code acme.key_type}, or, with
 * {@code acme.keep_key}, the key already at {@code tls_private_key_path} (for setups that pin
 * the public key, such as DANE TLSA "3 1 1" records or HPKP-style pins). A key on disk is
 * only kept when it can be read and is of the configured type; otherwise a new key is made
 * and a warning says why, so that changing {@code key_type} takes effect at the next order.
 */
final class CertificateKeys {

    private static final System.Logger LOG = System.getLogger(CertificateKeys.class.getName());

    private CertificateKeys() {
    }

    /** The key for the next order; called only when a CSR is about to be made. */
    static KeyPair forNextOrder(KeyType type, boolean keepKey, Path privateKeyPath) {
        if (keepKey) {
            Optional<KeyPair> kept = existing(type, privateKeyPath);
            if (kept.isPresent()) {
                LOG.log(Level.INFO, "acme.keep_key: ordering with the existing {0} key at {1}", type.configName(),
                        privateKeyPath);
                return kept.get();
            }
        }
        return KeyPairs.create(type);
    }

    private static Optional<KeyPair> existing(KeyType type, Path file) {
        if (file == null || !Files.exists(file)) {
            LOG.log(Level.INFO, "acme.keep_key: there is no key at {0} yet; ordering with a new {1} key", file,
                    type.configName());
            return Optional.empty();
        }
        KeyPair pair;
        try {
            pair = KeyPairs.withPublicKey(Pem.readPrivateKey(file));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the messages name the problem (not PEM, encrypted, unsupported algorithm), never key material
            LOG.log(Level.WARNING, "acme.keep_key: cannot reuse the key at {0} ({1}); ordering with a new {2} key",
                    file, e.getMessage(), type.configName());
            return Optional.empty();
        }
        if (KeyPairs.typeOf(pair.getPublic()).orElse(null) != type) {
            LOG.log(Level.WARNING, "acme.keep_key: the key at {0} is {1}, but acme.key_type is {2}; ordering with a "
                    + "new {2} key", file, KeyPairs.describe(pair.getPublic()), type.configName());
            return Optional.empty();
        }
        return Optional.of(pair);
    }
}
