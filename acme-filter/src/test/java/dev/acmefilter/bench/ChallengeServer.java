package dev.acmefilter.bench;

import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.challenge.LayeredChallengeStore;
import org.eclipse.jetty.server.Server;

import java.nio.file.Path;


/**
 * Benchmark helper for {@code bench/run-all.sh}, not a test: an embedded Jetty on
 * 127.0.0.1:PORT whose only content is the {@link ChallengeFilter} with an
 * {@link InMemoryChallengeStore} holding one pending token. Logging is left as the JVM's
 * default (java.util.logging, INFO to stderr), as in a container.
 * Arguments: port token key-authorization [state-dir]. With a state dir the store is the
 * WAR's: the in-memory one, then the admin command's files in {@code <state-dir>/challenges}
 * ({@link LayeredChallengeStore}). Prints "ready"; stops when stdin closes.
 */
public final class ChallengeServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        store.put(args[1], args[2]);
        ChallengeStore served = args.length > 3
                ? new LayeredChallengeStore(store, DirectoryChallengeStore.inStateDir(Path.of(args[3]))) : store;
        Server jetty = ChallengeJetty.start(served, port);
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        jetty.stop();
    }
}
