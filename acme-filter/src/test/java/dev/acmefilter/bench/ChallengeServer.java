package dev.acmefilter.bench;

import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import org.eclipse.jetty.server.Server;


/**
 * Benchmark helper for {@code bench/run-all.sh}, not a test: an embedded Jetty on
 * 127.0.0.1:PORT whose only content is the {@link ChallengeFilter} with an
 * {@link InMemoryChallengeStore} holding one pending token. Logging is left as the JVM's
 * default (java.util.logging, INFO to stderr), as in a container.
 * Arguments: port token key-authorization. Prints "ready"; stops when stdin closes.
 */
public final class ChallengeServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        store.put(args[1], args[2]);
        Server jetty = ChallengeJetty.start(store, port);
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        jetty.stop();
    }
}
