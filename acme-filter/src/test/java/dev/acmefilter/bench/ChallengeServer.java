package dev.acmefilter.bench;

import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.EnumSet;

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
        Server jetty = new Server();
        ServerConnector http = new ServerConnector(jetty);
        http.setHost("127.0.0.1");
        http.setPort(port);
        jetty.addConnector(http);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new ChallengeFilter(store)), "/.well-known/acme-challenge/*",
                EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        jetty.stop();
    }
}
