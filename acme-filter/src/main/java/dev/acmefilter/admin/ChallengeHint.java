package dev.acmefilter.admin;

import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.provision.ProvisioningException;

import java.util.Optional;

/**
 * What the admin command adds after a failed order when the CA could not fetch a challenge
 * (or the pre-flight self-test found it would not): the command's challenges are answered
 * by the running webapp from a shared folder, so the likely cause is that no webapp answers
 * from it. Decided by the failure's {@link FailureKind}, never by its words, so rewording a
 * message cannot lose the hint.
 */
final class ChallengeHint {

    private ChallengeHint() {
    }

    /** The hint for {@code failure} of an order for {@code settings}, when one applies. */
    static Optional<String> after(ProvisioningException failure, CertificateSettings settings) {
        if (failure.kind() != FailureKind.VALIDATION && failure.kind() != FailureKind.PREFLIGHT) {
            return Optional.empty();
        }
        if (settings.challenge().dns01().isPresent()) {
            return Optional.empty(); // the CA asks DNS, not the webapp: the message names the DNS server and its answer
        }
        return Optional.of("the CA fetches the challenges from the running webapp, which answers them from "
                + DirectoryChallengeStore.inStateDir(settings.stateDir()).folder() + ": is acme.war running with this"
                + " homeserver.yaml (as a user that can read that folder), and does port 80 of "
                + String.join(", ", settings.domains()) + " reach it?");
    }
}
