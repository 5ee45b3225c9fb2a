package dev.acmefilter.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * The TSIG key that signs our updates: its name, algorithm and shared secret, as in the
 * {@code key "..." { algorithm ...; secret "..."; };} block {@code tsig-keygen} prints. The
 * secret never leaves this class in text: {@link #toString()} hides it, messages about a
 * refused key name the key, never the secret, and {@link #secret()} hands out bytes only.
 */
public final class TsigKey {

    private final String name;
    private final TsigAlgorithm algorithm;
    private final byte[] secret;

    private TsigKey(String name, TsigAlgorithm algorithm, byte[] secret) {
        this.name = name;
        this.algorithm = algorithm;
        this.secret = secret;
    }

    /**
     * @param name         the key's name, e.g. {@code acme-update} or {@code acme-update.}
     *                     (always taken as absolute)
     * @param algorithm    its algorithm
     * @param base64Secret the secret as in the key file (standard base64, padding optional)
     * @throws IllegalArgumentException when the name is not a domain name or the secret is
     *                                  not base64 (the message never quotes the secret)
     */
    public static TsigKey of(String name, TsigAlgorithm algorithm, String base64Secret) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(base64Secret, "base64Secret");
        String keyName = name.strip();
        if (keyName.isEmpty() || keyName.equals(".")) {
            throw new IllegalArgumentException("the TSIG key name is empty");
        }
        keyName = keyName.endsWith(".") ? keyName : keyName + ".";
        if (!DnsNames.isOwnerName(keyName.substring(0, keyName.length() - 1))) {
            throw new IllegalArgumentException("the TSIG key name '" + name + "' is not a domain name (dot-separated"
                    + " labels of letters, digits, '-' and '_', as in tsig-keygen's key \"...\")");
        }
        String text = base64Secret.strip();
        byte[] secret = null;
        if (text.matches("[A-Za-z0-9+/]*={0,2}")) {
            try {
                secret = Base64.getDecoder().decode(text.length() % 4 == 0 ? text
                        : text + "=".repeat(4 - text.length() % 4));
            } catch (IllegalArgumentException e) {
                secret = null; // reported below, without the text
            }
        }
        if (secret == null) {
            throw new IllegalArgumentException("the secret of the TSIG key " + keyName + " is not base64 (as"
                    + " tsig-keygen prints it)");
        }
        if (secret.length == 0) {
            throw new IllegalArgumentException("the secret of the TSIG key " + keyName + " is empty");
        }
        return new TsigKey(keyName, algorithm, secret);
    }

    /** The key name, absolute, e.g. {@code acme-update.}. */
    public String name() {
        return name;
    }

    public TsigAlgorithm algorithm() {
        return algorithm;
    }

    /** A copy of the secret's bytes, for the signer; never to be printed. */
    public byte[] secret() {
        return Arrays.copyOf(secret, secret.length);
    }

    /** Whether {@code other} is the same key: same name (case ignored), algorithm and secret. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TsigKey k && k.name.equalsIgnoreCase(name) && k.algorithm == algorithm
                && MessageDigest.isEqual(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name.toLowerCase(Locale.ROOT), algorithm);
    }

    /** Name and algorithm; the secret is hidden. */
    @Override
    public String toString() {
        return "TsigKey[" + name + " " + algorithm + ", secret hidden]";
    }
}
