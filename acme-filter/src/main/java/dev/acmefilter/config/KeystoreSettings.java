package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code acme.keystore}: a PKCS#12 copy of the certificate and key for Java servers
 * (Tomcat, Jetty, a Java proxy) that cannot read PEM.
 *
 * @param path     the keystore file
 * @param password its password (also the key entry's); never logged, hidden in {@link #toString()}
 * @param alias    the key entry's alias (default {@value #DEFAULT_ALIAS})
 */
public record KeystoreSettings(Path path, String password, String alias) {

    public static final String DEFAULT_ALIAS = "acme";

    public KeystoreSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(alias, "alias");
    }

    /** Keeps the password out of logs and status output. */
    @Override
    public String toString() {
        return "KeystoreSettings[path=" + path + ", password=<hidden>, alias=" + alias + "]";
    }
}
