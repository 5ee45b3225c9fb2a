package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.List;
import java.util.Optional;

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


    static final List<String> KEYS = List.of("path", "password", "alias");
    private static final String PASSWORD_EXPECTED = "the keystore password, as a string";

    /**
     * {@code keystore} of {@code owner}, only when the key is there. It may not be one of the
     * certificate's own two files. The password is never put into a message: a wrong type is
     * named by its kind only.
     */
    static Optional<KeystoreSettings> parse(Section owner, Path certificatePath, Path privateKeyPath) {
        if (!owner.has("keystore")) {
            return Optional.empty();
        }
        Section keystore = owner.section("keystore", "a mapping with " + String.join(", ", KEYS), KEYS);
        Path path = keystore.requiredPath("path", "a file path for the PKCS#12 keystore");
        if (path.equals(certificatePath) || path.equals(privateKeyPath)) {
            throw keystore.valueError("path", Shown.quote(path.toString()) + " is also "
                    + (path.equals(certificatePath) ? "tls_certificate_path" : "tls_private_key_path"),
                    "a file of its own for the PKCS#12 keystore");
        }
        Object passwordValue = keystore.get("password");
        if (passwordValue != null && !(passwordValue instanceof String)) {
            throw keystore.error("password", "expected " + PASSWORD_EXPECTED + " (quote it), found "
                    + Shown.describeType(passwordValue));
        }
        String password = (String) passwordValue;
        if (password == null || password.isEmpty()) {
            throw keystore.valueError("password", password == null ? "missing" : "empty", PASSWORD_EXPECTED);
        }
        String alias = keystore.text("alias", "the alias is empty", "a name for the key entry, such as "
                + DEFAULT_ALIAS);
        return Optional.of(new KeystoreSettings(path, password, alias == null ? DEFAULT_ALIAS : alias));
    }
}
