package dev.acmefilter.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to ask the CA for: the certificate key, the profile and the chain. Set under
 * {@code acme:} for every certificate, and per entry of {@code acme.certificates}, where
 * what an entry leaves out comes from {@code acme:}.
 *
 * @param keyType         {@code key_type}: the type of each new certificate key
 * @param keepKey         {@code keep_key}: order with the key already on disk when it is of {@code keyType}
 * @param profile         {@code profile}: the certificate profile to ask for, when the CA offers it
 * @param profileRequired {@code profile_required}: order nothing when the CA does not offer {@code profile}
 * @param preferredChain  {@code preferred_chain}: the root or issuer name of the chain to write when the CA
 *                        offers several
 */
public record OrderSettings(KeyType keyType, boolean keepKey, Optional<String> profile, boolean profileRequired,
                            Optional<String> preferredChain) {

    public static final OrderSettings DEFAULTS = new OrderSettings(KeyType.DEFAULT, false, Optional.empty(), false,
            Optional.empty());

    static final List<String> KEYS = List.of("key_type", "keep_key", "profile", "profile_required",
            "preferred_chain");
    /** The keys an entry of {@code acme.certificates} may set: all but {@code profile_required}, which is file-wide. */
    static final List<String> ENTRY_KEYS = KEYS.stream().filter(k -> !k.equals("profile_required")).toList();

    private static final String PROFILE_EXPECTED = "the name of a certificate profile the CA offers, such as "
            + "tlsserver or shortlived (Let's Encrypt)";
    private static final String CHAIN_EXPECTED = "the common name or distinguished name of the root or an issuer "
            + "of the chain to prefer, such as 'ISRG Root X1'";

    public OrderSettings {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(preferredChain, "preferredChain");
    }

    /** Reads these keys of {@code section}; what it leaves out is taken from {@code inherited}. */
    static OrderSettings parse(Section section, OrderSettings inherited) {
        KeyType keyType = KeyType.read(section, "key_type", inherited.keyType());
        boolean keepKey = section.bool("keep_key", inherited.keepKey());
        Optional<String> profile = Optional.ofNullable(section.text("profile", "the profile name is empty",
                PROFILE_EXPECTED)).or(inherited::profile);
        // only meaningful with a profile, so true without one is a mistake
        boolean required = section.declares("profile_required")
                ? section.bool("profile_required", inherited.profileRequired()) : inherited.profileRequired();
        if (required && profile.isEmpty()) {
            throw section.valueError("profile_required", "true, but " + section.key("profile") + " is not set",
                    section.key("profile") + " with the name of the profile to require");
        }
        Optional<String> chain = Optional.ofNullable(section.text("preferred_chain", "the name is empty",
                CHAIN_EXPECTED)).or(inherited::preferredChain);
        return new OrderSettings(keyType, keepKey, profile, required, chain);
    }
}
