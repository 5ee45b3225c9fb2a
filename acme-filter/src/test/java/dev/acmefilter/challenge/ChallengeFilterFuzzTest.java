package dev.acmefilter.challenge;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the challenge filter's path and token handling through a real Jetty (its HTTP parser
 * and URI normalisation in front of the filter, mapped as the jar's web-fragment maps it), with
 * the WAR's store: one token pending in memory, one in the admin command's folder. Whatever the
 * method and the request target (the input is {@code <method>\n<target>}), the answer is 200 only with exactly the key authorization of a
 * pending token named in the path, else 404, 405 or 400 (or the container's redirect of a
 * target without a path); never a server error.
 *
 * <p>The answer is judged by the method as the container parsed it, which a test-only filter in
 * front echoes in {@value #METHOD_SEEN}: Jetty 12.1's parser reads some non-token method names as
 * a known method (it takes {@code :HEAD} for {@code HEAD}, a fuzzer finding), and the filter can
 * only act on what the container hands it. A request the container rejects before the webapp
 * (a malformed target: no echo) is judged on its status line alone.
 */
class ChallengeFilterFuzzTest {

    static final String MEMORY_TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    static final String FOLDER_TOKEN = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    static final String THUMBPRINT = ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    static final Map<String, String> LIVE = Map.of(MEMORY_TOKEN, MEMORY_TOKEN + THUMBPRINT,
            FOLDER_TOKEN, FOLDER_TOKEN + THUMBPRINT);
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH",
            "CONNECT", "PROPFIND", "get"};
    private static final Set<Integer> ALLOWED = Set.of(200, 400, 404, 405);
    /** The response header in which the test's outer filter echoes the method the container parsed. */
    static final String METHOD_SEEN = "X-Method-Seen";
    /**
     * A target without a path ({@code ?x}, {@code http://localhost}) is redirected by the
     * container to the context root: the filter never sees it.
     */
    private static final Set<Integer> ALLOWED_WITHOUT_A_PATH = Set.of(200, 400, 404, 405, 301, 302, 307, 308);
    /** Jetty's request header limit is 8 KiB: longer targets are a 414 from the container, not our concern. */
    private static final int MAX_TARGET = 4000;

    @TempDir
    static Path stateDir;

    private static Server jetty;
    private static LocalConnector connector;

    @BeforeAll
    static void startJetty() throws Exception {
        InMemoryChallengeStore memory = new InMemoryChallengeStore();
        memory.put(MEMORY_TOKEN, LIVE.get(MEMORY_TOKEN));
        DirectoryChallengeStore folder = DirectoryChallengeStore.inStateDir(stateDir);
        folder.put(FOLDER_TOKEN, LIVE.get(FOLDER_TOKEN));
        jetty = new Server();
        connector = new LocalConnector(jetty);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new MethodEchoFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new ChallengeFilter(new LayeredChallengeStore(memory, folder))),
                "/.well-known/acme-challenge/*", EnumSet.of(DispatcherType.REQUEST));
        // the rest of the webapp, whatever it does with other paths and methods, is not under test here
        context.addServlet(new ServletHolder(new NotFoundServlet()), "/");
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterAll
    static void stopJetty() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"/.well-known/acme-challenge/", MEMORY_TOKEN, FOLDER_TOKEN, "..", "%2e", "%2f", "%00", ";",
            "//", "?", "#", "http://localhost", "*"})
    void answersOnlyALiveKeyAuthorizationAndNeverAServerError(byte[] input) throws Exception {
        // the input is "<method>\n<request target>"; a first line of one digit picks a common method
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int newline = text.indexOf('\n');
        String first = newline < 0 ? "GET" : text.substring(0, newline);
        String method = first.length() == 1 && Character.isDigit(first.charAt(0))
                ? METHODS[(first.charAt(0) - '0') % METHODS.length] : token(first);
        String target = requestTarget(newline < 0 ? text : text.substring(newline + 1));
        if (method.isEmpty() || target.isEmpty()) {
            return;
        }
        String request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        FuzzBudget budget = FuzzBudget.start();
        ByteBuffer raw = connector.getResponse(bytes(request));
        budget.check(request);
        assertThat(raw).as("an answer to " + request).isNotNull();
        String answer = StandardCharsets.ISO_8859_1.decode(raw.duplicate()).toString();
        HttpTester.Response head = HttpTester.parseHeadResponse(raw.duplicate());
        assertThat(head).as("a status line and headers in the answer to " + request + ": " + answer).isNotNull();
        String seen = head.get(METHOD_SEEN);
        int status = head.getStatus();
        assertThat(status).as(request).isLessThan(500).isIn(target.startsWith("/") ? ALLOWED : ALLOWED_WITHOUT_A_PATH);
        if (seen == null) {
            // rejected by the container before any filter ran: not ours, and never a 200
            assertThat(status).as("the container's own answer to " + request + ": " + answer).isNotEqualTo(200);
            return;
        }
        HttpTester.Response response = seen.equals("HEAD") ? head : HttpTester.parseResponse(raw.duplicate());
        assertThat(response).as("a complete HTTP answer to " + request + " (" + seen + " to the webapp): " + answer)
                .isNotNull();
        if (status == 200) {
            String servedFor = LIVE.keySet().stream().filter(target::contains).findFirst().orElse(null);
            assertThat(servedFor).as("200 only for a pending token named in the path: " + request).isNotNull();
            if (seen.equals("GET")) {
                assertThat(response.getContent()).as(request).isIn(LIVE.values());
            } else {
                assertThat(seen).as("200 only to GET and HEAD: " + request).isEqualTo("HEAD");
                assertThat(head.get("Content-Length")).as("HEAD gets GET's length: " + request)
                        .isEqualTo(String.valueOf(LIVE.get(servedFor).length()));
            }
        }
    }

    /** Echoes, in {@value #METHOD_SEEN}, the method as the container parsed it. */
    static final class MethodEchoFilter extends HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
                throws IOException, ServletException {
            resp.setHeader(METHOD_SEEN, req.getMethod());
            chain.doFilter(req, resp);
        }
    }

    /** Stands for the webapp's other paths: 404 to every method (an HttpServlet answers 501 to unknown ones). */
    static final class NotFoundServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            resp.setStatus(HttpServletResponse.SC_NOT_FOUND);
            resp.setContentLength(0);
        }
    }

    private static ByteBuffer bytes(String request) {
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A method name as the fuzzer writes it, kept to what a request line can carry. */
    private static String token(String text) {
        String clean = text.replaceAll("[^!-~]", "");
        return clean.length() > 20 ? clean.substring(0, 20) : clean;
    }

    /**
     * The request target without what would end the request line early (white space, line
     * breaks: those are other headers or HTTP versions, not a path) and short of Jetty's limit.
     */
    private static String requestTarget(String text) {
        String clean = text.replaceAll("[\\s\\x00-\\x1f\\x7f]", "");
        return clean.length() > MAX_TARGET ? clean.substring(0, MAX_TARGET) : clean;
    }
}
