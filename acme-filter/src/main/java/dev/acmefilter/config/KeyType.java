package dev.acmefilter.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key types an admin may choose for the certificate key ({@code acme.key_type}).
 * EC P-256 is the default: small, fast, and accepted by every ACME CA and TLS client
 * that a homeserver talks to.
 */
public enum KeyType {
    EC256("ec256", "EC", 256),
    EC384("ec384", "EC", 384),
    RSA2048("rsa2048", "RSA", 2048),
    RSA3072("rsa3072", "RSA", 3072),
    RSA4096("rsa4096", "RSA", 4096);

    /** EC P-256. */
    public static final KeyType DEFAULT = EC256;

    private final String configName;
    private final String algorithm;
    private final int size;

    KeyType(String configName, String algorithm, int size) {
        this.configName = configName;
        this.algorithm = algorithm;
        this.size = size;
    }

    /** The name used in {@code homeserver.yaml}, e.g. {@code ec256}. */
    public String configName() {
        return configName;
    }

    /** {@code EC} or {@code RSA}. */
    public String algorithm() {
        return algorithm;
    }

    /** Curve size in bits for EC, modulus size for RSA. */
    public int size() {
        return size;
    }

    /** Finds the key type for a config value, ignoring case. */
    public static Optional<KeyType> fromConfigName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.configName.equals(wanted)).findFirst();
    }

    /** The accepted names, for error messages: {@code ec256, ec384, ...}. */
    public static String acceptedNames() {
        return Arrays.stream(values()).map(KeyType::configName).collect(Collectors.joining(", "));
    }

    /** A key type setting ({@code acme.key_type}, {@code acme.account_key_type}, ...), or {@code defaultType} when absent. */
    static KeyType read(Section section, String name, KeyType defaultType) {
        String expected = "one of " + acceptedNames();
        String value = section.string(name, expected);
        if (value == null) {
            return defaultType;
        }
        return fromConfigName(value).orElseThrow(
                () -> section.valueError(name, Shown.quote(value) + " is not a supported key type", expected));
    }
}
