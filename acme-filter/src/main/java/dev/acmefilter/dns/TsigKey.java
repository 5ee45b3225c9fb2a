package dev.acmefilter.dns;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * The TSIG key that signs our updates: its name, algorithm and shared secret, as in the
 * {@code key "..." { algorithm ...; secret "..."; };} block {@code tsig-keygen} prints. The
 * secret never leaves this class in text: {@link #toString()} hides it, and messages about a
 * refused key name the key, never the secret.
 */
public final class TsigKey {

    private final Name name;
    private final TsigAlgorithm algorithm;
    private final byte[] secret;

    private TsigKey(Name name, TsigAlgorithm algorithm, byte[] secret) {
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
        Name keyName;
        try {
            keyName = Name.fromString(name.strip(), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("the TSIG key name '" + name + "' is not a domain name: "
                    + e.getMessage(), e);
        }
        if (keyName.equals(Name.root)) {
            throw new IllegalArgumentException("the TSIG key name is empty");
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
        return name.toString();
    }

    public TsigAlgorithm algorithm() {
        return algorithm;
    }

    /** A dnsjava signer for this key; each call a new one (it keeps no state between messages). */
    TSIG signer() {
        return new TSIG(algorithm.wireName(), name, Arrays.copyOf(secret, secret.length));
    }

    /** Whether {@code other} is the same key: same name, algorithm and secret. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TsigKey k && k.name.equals(name) && k.algorithm == algorithm
                && java.security.MessageDigest.isEqual(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, algorithm);
    }

    /** Name and algorithm; the secret is hidden. */
    @Override
    public String toString() {
        return "TsigKey[" + name + " " + algorithm + ", secret hidden]";
    }
}
