package dev.acmefilter.testing;

import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.ChallengeStore;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.EnumSet;

/** A real Jetty on 127.0.0.1 that answers http-01 challenges from a store, the way the jar's web-fragment maps it. */
public final class ChallengeJetty {

    private ChallengeJetty() {
    }

    /** Starts it on {@code port}; stop it with {@link Server#stop()}. */
    public static Server start(ChallengeStore store, int port) throws Exception {
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
        return jetty;
    }
}
