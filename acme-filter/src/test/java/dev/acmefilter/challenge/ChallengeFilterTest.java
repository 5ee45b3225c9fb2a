package dev.acmefilter.challenge;

import dev.acmefilter.config.ConfigException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChallengeFilterTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String KEY_AUTHZ = TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    private final RecordingStore store = new RecordingStore();
    private Server server;
    private LocalConnector connector;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private void start(String contextPath, FilterHolder holder) throws Exception {
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(contextPath);
        // the filter sees every path here, to prove it passes what is not a challenge
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new EchoServlet()), "/");
        server.setHandler(context);
        server.start();
    }

    private void start() throws Exception {
        start("/", new FilterHolder(new ChallengeFilter(store)));
    }

    private HttpTester.Response request(String method, String path, String host) throws Exception {
        String raw = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        return HttpTester.parseResponse(connector.getResponse(raw));
    }

    private HttpTester.Response get(String path) throws Exception {
        return request("GET", path, "localhost");
    }

    /** Starts the filter with {@link #TOKEN} pending and asks for it by {@code method} with that Host header. */
    private HttpTester.Response requestPendingToken(String method, String host) throws Exception {
        start();
        store.put(TOKEN, KEY_AUTHZ);
        return request(method, ChallengeFilter.PATH_PREFIX + TOKEN, host);
    }

    @Test
    void pendingTokenIsAnsweredWithExactlyTheKeyAuthorization() throws Exception {
        HttpTester.Response response = requestPendingToken("GET", "localhost");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Type")).startsWith("text/plain");
        assertThat(response.getContent()).isEqualTo(KEY_AUTHZ);
        assertThat(response.get("Content-Length")).isEqualTo(String.valueOf(KEY_AUTHZ.length()));
    }

    @Test
    void headOfPendingTokenHasHeadersButNoBody() throws Exception {
        HttpTester.Response response = requestPendingToken("HEAD", "localhost");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Length")).isEqualTo(String.valueOf(KEY_AUTHZ.length()));
        assertThat(response.getContent()).isEmpty();
    }

    @Test
    void hostHeaderRewrittenByAProxyIsStillAnswered() throws Exception {
        HttpTester.Response response = requestPendingToken("GET", "localhost:8009");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContent()).isEqualTo(KEY_AUTHZ);
    }

    @Test
    void unknownTokenIs404() throws Exception {
        start();
        store.put(TOKEN, KEY_AUTHZ);

        HttpTester.Response response = get(ChallengeFilter.PATH_PREFIX + "someOtherToken_123");

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getContent()).doesNotContain(KEY_AUTHZ).doesNotContain("app:");
        assertThat(store.lookups).containsExactly("someOtherToken_123");
    }

    @Test
    void removedTokenIsNoLongerServed() throws Exception {
        start();
        store.put(TOKEN, KEY_AUTHZ);
        assertThat(get(ChallengeFilter.PATH_PREFIX + TOKEN).getStatus()).isEqualTo(200);

        store.remove(TOKEN);

        assertThat(get(ChallengeFilter.PATH_PREFIX + TOKEN).getStatus()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "abc.def", "abc%2edef", "a%20b", "token~1", "tok=en", "tok+en", "%41BC",
        "TOKEN/extra", "a;jsessionid=1", "..%2f..%2fWEB-INF%2fweb.xml", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%5c..%5cwindows", "%00abc", "abc%0d%0aSet-Cookie:x=y"
    })
    void tokenWithCharactersOutsideBase64UrlIsNeverLookedUp(String badToken) throws Exception {
        start();
        store.put(TOKEN, KEY_AUTHZ);

        HttpTester.Response response = get(ChallengeFilter.PATH_PREFIX + badToken);

        // Jetty itself may refuse an ambiguous path with 400 before the filter sees it
        assertThat(response.getStatus()).isIn(400, 404);
        assertThat(response.getContent()).doesNotContain(KEY_AUTHZ).doesNotContain("app:");
        assertThat(store.lookups).isEmpty();
    }

    @Test
    void tokenLongerThanTheLimitIsNeverLookedUp() throws Exception {
        start();
        String longToken = "A".repeat(ChallengeFilter.DEFAULT_MAX_TOKEN_LENGTH + 1);
        store.put(longToken, "x");

        assertThat(get(ChallengeFilter.PATH_PREFIX + longToken).getStatus()).isEqualTo(404);
        assertThat(store.lookups).isEmpty();
    }

    @Test
    void theLongestTokenTheFilterMayBeSetToServeIsServedFromTheFolderTheAdminCommandWrites(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path stateDir) throws Exception {
        DirectoryChallengeStore folder = DirectoryChallengeStore.inStateDir(stateDir);
        FilterHolder holder = new FilterHolder(new ChallengeFilter(folder));
        holder.setInitParameter(ChallengeFilter.MAX_TOKEN_LENGTH_PARAM, Integer.toString(AcmeToken.MAX_LENGTH));
        start("/", holder);
        String longest = "L".repeat(AcmeToken.MAX_LENGTH);
        String keyAuthorization = longest + KEY_AUTHZ.substring(TOKEN.length());

        folder.put(longest, keyAuthorization);

        HttpTester.Response response = get(ChallengeFilter.PATH_PREFIX + longest);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContent()).isEqualTo(keyAuthorization);
    }

    @Test
    void emptyTokenIs404() throws Exception {
        start();

        assertThat(get(ChallengeFilter.PATH_PREFIX).getStatus()).isEqualTo(404);
        assertThat(store.lookups).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void methodsOtherThanGetAndHeadAre405(String method) throws Exception {
        HttpTester.Response response = requestPendingToken(method, "localhost");

        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.get("Allow")).isEqualTo("GET, HEAD");
        assertThat(response.getContent()).doesNotContain(KEY_AUTHZ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/_matrix/client/versions", "/.well-known/matrix/server",
        "/.well-known/acme-challenge", "/.well-known/acme-challengeX/abc", "/x/.well-known/acme-challenge/abc"})
    void otherPathsGoDownTheChainUntouched(String path) throws Exception {
        start();
        store.put("abc", "secret");

        HttpTester.Response response = get(path);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContent()).isEqualTo("app:" + path);
        assertThat(store.lookups).isEmpty();
    }

    @Test
    void challengeUnderANonRootContextIsAnsweredRelativeToIt() throws Exception {
        start("/app", new FilterHolder(new ChallengeFilter(store)));
        store.put(TOKEN, KEY_AUTHZ);

        assertThat(get("/app" + ChallengeFilter.PATH_PREFIX + TOKEN).getContent()).isEqualTo(KEY_AUTHZ);
    }

    @Test
    void storeIsTakenFromTheServletContextAttributeWhenNoneIsInjected() throws Exception {
        FilterHolder holder = new FilterHolder(ChallengeFilter.class);
        start("/", holder);
        ServletContext context = holder.getServletHandler().getServletContext();
        context.setAttribute(ChallengeFilter.DEFAULT_STORE_ATTRIBUTE, store);
        store.put(TOKEN, KEY_AUTHZ);

        assertThat(get(ChallengeFilter.PATH_PREFIX + TOKEN).getContent()).isEqualTo(KEY_AUTHZ);
    }

    @Test
    void storeAttributeNameIsConfigurable() throws Exception {
        FilterHolder holder = new FilterHolder(ChallengeFilter.class);
        holder.setInitParameter(ChallengeFilter.STORE_ATTRIBUTE_PARAM, "my.store");
        start("/", holder);
        holder.getServletHandler().getServletContext().setAttribute("my.store", store);
        store.put(TOKEN, KEY_AUTHZ);

        assertThat(get(ChallengeFilter.PATH_PREFIX + TOKEN).getContent()).isEqualTo(KEY_AUTHZ);
    }

    @Test
    void sharedDefaultStoreIsUsedWhenNothingElseIsGiven() throws Exception {
        start("/", new FilterHolder(ChallengeFilter.class));
        InMemoryChallengeStore.shared().put(TOKEN, KEY_AUTHZ);
        try {
            assertThat(get(ChallengeFilter.PATH_PREFIX + TOKEN).getContent()).isEqualTo(KEY_AUTHZ);
        } finally {
            InMemoryChallengeStore.shared().remove(TOKEN);
        }
    }

    @Test
    void unknownInitParamFailsTheStartNamingIt() {
        ChallengeFilter filter = new ChallengeFilter();

        assertThatThrownBy(() -> filter.init(config(Map.of("max-token-lenght", "64"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter acme-challenge: init-param 'max-token-lenght' is unknown; "
                        + "expected one of max-token-length, store-attribute");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "201", "2000", "many", ""})
    void invalidMaxTokenLengthFailsTheStartNamingIt(String value) {
        ChallengeFilter filter = new ChallengeFilter();

        assertThatThrownBy(() -> filter.init(config(Map.of("max-token-length", value))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("filter acme-challenge: init-param 'max-token-length' is '" + value
                        + "'; expected an integer from 1 to 200");
    }

    @Test
    void blankStoreAttributeFailsTheStartNamingIt() {
        assertThatThrownBy(() -> new ChallengeFilter().init(config(Map.of("store-attribute", " "))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("init-param 'store-attribute' is empty");
    }

    private static FilterConfig config(Map<String, String> params) {
        return new FilterConfig() {
            @Override public String getFilterName() { return "acme-challenge"; }
            @Override public ServletContext getServletContext() { return null; }
            @Override public String getInitParameter(String name) { return params.get(name); }
            @Override public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    /** Stands for the webapp behind the filter. */
    static final class EchoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("app:" + req.getRequestURI());
        }
    }

    /** An in-memory store that remembers which tokens were looked up. */
    static final class RecordingStore implements ChallengeStore {
        final InMemoryChallengeStore delegate = new InMemoryChallengeStore();
        final List<String> lookups = Collections.synchronizedList(new ArrayList<>());

        @Override public void put(String token, String keyAuthorization) { delegate.put(token, keyAuthorization); }
        @Override public Optional<String> find(String token) { lookups.add(token); return delegate.find(token); }
        @Override public void remove(String token) { delegate.remove(token); }
    }
}
