package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import org.shredzone.acme4j.Metadata;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which certificate profile to ask for ({@code acme.profile}), given the profiles the CA
 * lists in its directory (draft-aaron-acme-profiles; Let's Encrypt offers {@code classic},
 * {@code tlsserver}, {@code shortlived}). A CA refuses an order naming a profile it does not
 * offer, so an unoffered profile is never sent: without {@code acme.profile_required} the
 * order goes ahead without one (the CA's default) and a warning says so; with it, nothing is
 * ordered and the error lists what the CA offers.
 */
final class ProfileChoice {

    private static final System.Logger LOG = System.getLogger(ProfileChoice.class.getName());

    private ProfileChoice() {
    }

    /** The profile to put into the new order, if any. */
    static Optional<String> choose(CertificateSettings settings, Metadata metadata) {
        if (settings.order().profile().isEmpty()) {
            return Optional.empty();
        }
        return choose(settings, metadata.getProfiles());
    }

    static Optional<String> choose(CertificateSettings settings, Set<String> offered) {
        Optional<String> wanted = settings.order().profile();
        if (wanted.isEmpty() || offered.contains(wanted.get())) {
            return wanted;
        }
        String offers = offered.isEmpty() ? "it offers no profiles"
                : "it offers " + String.join(", ", new TreeSet<>(offered));
        String problem = "the CA at " + settings.account().directoryUrl() + " does not offer the profile '" + wanted.get()
                + "' (" + offers + ")";
        if (settings.order().profileRequired()) {
            throw new ConfigException(settings.inFile() + "acme.profile: " + problem + ", and acme.profile_required is true, so no "
                    + "order was placed; expected " + (offered.isEmpty() ? "a CA that offers profiles"
                    : "one of the CA's profiles") + ", or acme.profile_required: false to order without it");
        }
        LOG.log(Level.WARNING, "acme.profile: {0}; ordering without a profile (the CA''s default)", problem);
        return Optional.empty();
    }
}
