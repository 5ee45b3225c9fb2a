package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.renewal.CheckGate;
import dev.acmefilter.state.RenewalStateStore;
import dev.acmefilter.state.StateFile;

import java.util.Objects;
import java.util.Optional;

/**
 * How the certificates of this node meet those of other nodes. {@link #ALONE}: not at all,
 * the node orders and keeps its state by itself (one host, as without a cluster). A cluster
 * (the {@code cluster} package) hands each certificate the parts that make it one order
 * cluster-wide: a lease as the scheduler's gate, the shared journal, state and account key,
 * the shared certificates, and a challenge store every node answers from.
 */
public interface Coordination {

    /** One node on its own. */
    Coordination ALONE = (settings, local, challenges) -> Parts.alone(settings, local, challenges);

    /**
     * The parts of one certificate.
     *
     * @param settings   the certificate
     * @param local      its state file on this host
     * @param challenges the challenge store the webapp answers from
     */
    Parts partsFor(CertificateSettings settings, StateFile local, ChallengeStore challenges);

    /** Called once the certificate is set up: a cluster installs the certificates other nodes store through it. */
    default void attach(ManagedCertificate certificate) {
    }

    /**
     * What a {@link Provisioner} and its {@link dev.acmefilter.renewal.RenewalScheduler} use.
     *
     * @param challenges  where the order publishes its tokens
     * @param journal     where the order in progress is remembered
     * @param accountKeys where the account key comes from
     * @param share       the certificates other nodes see; empty on one host
     * @param state       the state read outside a check (status, the plan at start)
     * @param gate        what a check passes first
     */
    record Parts(ChallengeStore challenges, OrderJournal journal, AccountKeySource accountKeys,
                 Optional<CertificateShare> share, RenewalStateStore state, CheckGate gate) {

        public Parts {
            Objects.requireNonNull(challenges, "challenges");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(accountKeys, "accountKeys");
            Objects.requireNonNull(share, "share");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(gate, "gate");
        }

        /** One host: the state file, the journal beside it, the account key file, an open gate. */
        public static Parts alone(CertificateSettings settings, StateFile local, ChallengeStore challenges) {
            return new Parts(challenges, FileOrderJournal.of(settings, local),
                    AccountKeySource.file(settings.account()), Optional.empty(), local, CheckGate.open(local));
        }
    }
}
