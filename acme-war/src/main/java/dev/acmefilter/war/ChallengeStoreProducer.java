package dev.acmefilter.war;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.cluster.ClusterNode;
import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.challenge.LayeredChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;

/**
 * The WAR's {@link ChallengeStore}: its own tokens first (the in-memory store its provisioner
 * writes to), then the tokens the admin command publishes as files in
 * {@code <state_dir>/challenges/}, so that a renewal run from the command line is answered by
 * this running webapp. An enabled alternative, so it wins over the plain in-memory bean
 * here while the filter jar in any other webapp keeps its in-memory store and needs no
 * configuration.
 *
 * <p>In a cluster ({@code acme.cluster}) the first layer is the cluster's store instead: tokens
 * any node published, answered from this node's memory, which the database's notifications keep
 * up to date.
 */
@ApplicationScoped
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
public class ChallengeStoreProducer {

    @Produces
    @ApplicationScoped
    ChallengeStore store(InMemoryChallengeStore memory, AcmeConfig settings, ClusterProducer cluster) {
        ChallengeStore first = cluster.node().<ChallengeStore>map(ClusterNode::challenges).orElse(memory);
        return new LayeredChallengeStore(first, DirectoryChallengeStore.inStateDir(settings.stateDir()));
    }
}
