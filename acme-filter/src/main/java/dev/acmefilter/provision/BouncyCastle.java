package dev.acmefilter.provision;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Security;

/** acme4j's key and CSR helpers need the BouncyCastle provider registered by name. */
final class BouncyCastle {

    private BouncyCastle() {
    }

    static synchronized void register() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }
}
