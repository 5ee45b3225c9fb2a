package dev.acmefilter.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.acmefilter.config.PreflightSettings;
import dev.acmefilter.config.PreflightSettings.Mode;

class PreflightTest {

    private final InMemoryChallengeStore store = new InMemoryChallengeStore();
    private Server server;
    private final List<Socket> silentConnections = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        for (Socket s : silentConnections) {
            s.close();
        }
    }

    /** A web server on a free port: the filter first (when given), then a servlet for everything else. */
    private int start(ChallengeFilter filter, int status, String body) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), ChallengeFilter.PATH_PREFIX + "*",
                    EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setStatus(status);
                response.setContentType("text/html");
                response.getWriter().write(body);
            }
        }), "/");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private Preflight preflight(Mode mode, int port) {
        return new Preflight(store, new PreflightSettings(mode, port, Duration.ofSeconds(2)));
    }

    private PreflightResult check(int port) throws Exception {
        return preflight(Mode.ADVISORY, port).check("localhost");
    }

    private static String url(int port) {
        return "http://localhost:" + port + "/.well-known/acme-challenge/";
    }

    @Test
    void challengePathServedFromThisStoreIsOkAndTheProbeIsRemovedAfterwards() throws Exception {
        int port = start(new ChallengeFilter(store), 404, "not the challenge path");

        PreflightResult result = check(port);

        assertThat(result).isEqualTo(PreflightResult.ok("localhost"));
        assertThat(store.size()).isZero();
    }

    @Test
    void proxyAnswering404ForTheChallengePathIsReportedAsNotForwarding() throws Exception {
        int port = start(null, 404, "<html><head><title>404 Not Found</title></head><body>nginx</body></html>\n");

        PreflightResult result = check(port);

        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p)
                .startsWith(url(port))
                .endsWith(" answered 404 with a body that is not this provisioner's ('<html><head><title>404 Not "
                        + "Found</title></head><body>nginx</body></html>'): the proxy does not forward "
                        + "/.well-known/acme-challenge to this server (see the README's nginx snippet)"));
        assertThat(store.size()).isZero();
    }

    @Test
    void anotherInstancesFilterIsReportedAsSuch() throws Exception {
        int port = start(new ChallengeFilter(new InMemoryChallengeStore()), 404, "");

        PreflightResult result = check(port);

        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).startsWith(url(port)).contains(
                " answered 404 from an ACME challenge filter that does not know the probe: the request reached "
                        + "another instance of this provisioner"));
    }

    @Test
    void serverAnsweringADifferentBodyIsAMismatch() throws Exception {
        int port = start(null, 200, "some other ACME client's key authorization");

        PreflightResult result = check(port);

        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).startsWith(url(port)).endsWith(
                " answered 200 with a body that is not this provisioner's ('some other ACME client's key "
                        + "authorization'): the proxy does not forward /.well-known/acme-challenge to this server "
                        + "(see the README's nginx snippet)"));
    }

    @Test
    void nothingListeningIsReportedAsRefused() throws Exception {
        int port = freePort();

        PreflightResult result = check(port);

        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("nothing listens on localhost:" + port + " (")
                .endsWith("): is the proxy / port forwarding in place, and do the DNS records point at this host?"));
    }

    @Test
    void nameThatDoesNotResolveIsReportedAsDns() throws Exception {
        PreflightResult result = preflight(Mode.ADVISORY, 80).check("does-not-exist.invalid");

        assertThat(result).isEqualTo(PreflightResult.problem("does-not-exist.invalid",
                "does-not-exist.invalid does not resolve: check its DNS A/AAAA records"));
        assertThat(store.size()).isZero();
    }

    @Test
    void serverThatNeverAnswersIsReportedAsATimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    silentConnections.add(silent.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int port = silent.getLocalPort();

            PreflightResult result = check(port);

            assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).startsWith(url(port))
                    .endsWith(" did not answer within 2 s: the proxy or the server behind it hangs"));
        }
    }

    @Test
    void strictModeWithAFailingNameBlocksTheOrderButAdvisoryDoesNot() throws Exception {
        int port = start(new ChallengeFilter(store), 404, "");
        List<String> names = List.of("localhost", "does-not-exist.invalid");

        PreflightReport strict = preflight(Mode.STRICT, port).check(names);
        PreflightReport advisory = preflight(Mode.ADVISORY, port).check(names);

        assertThat(strict.results()).extracting(PreflightResult::ok).containsExactly(true, false);
        assertThat(strict.blocksOrder()).isTrue();
        assertThat(strict.summary()).isEqualTo("does-not-exist.invalid does not resolve: check its DNS A/AAAA "
                + "records");
        assertThat(advisory.problems()).hasSize(1);
        assertThat(advisory.blocksOrder()).isFalse();
    }

    @Test
    void offModeProbesNothing() throws Exception {
        PreflightReport report = preflight(Mode.OFF, freePort()).check(List.of("does-not-exist.invalid"));

        assertThat(report.results()).isEmpty();
        assertThat(report.blocksOrder()).isFalse();
        assertThat(report.problems()).isEmpty();
        assertThat(Optional.of(report.mode())).contains(Mode.OFF);
    }
}
