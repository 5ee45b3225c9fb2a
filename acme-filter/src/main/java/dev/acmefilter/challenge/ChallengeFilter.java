package dev.acmefilter.challenge;

import dev.acmefilter.config.ConfigException;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;

/**
 * Answers ACME http-01 challenges (RFC 8555, section 8.3) at
 * {@code /.well-known/acme-challenge/{token}} from a {@link ChallengeStore}.
 *
 * <p>{@code GET} and {@code HEAD} of a pending token get {@code 200 text/plain} whose body
 * is exactly the key authorization; any other token gets {@code 404}, and any other
 * method {@code 405}. A token is looked up only when it has {@link AcmeToken}'s syntax
 * (base64url characters {@code A-Z a-z 0-9 - _}, no longer than the init-param
 * {@value #MAX_TOKEN_LENGTH_PARAM}), so percent-encoded or dotted input ({@code ..%2f}) never reaches the store or the
 * file system. That syntax is the one rule for tokens: every {@link ChallengeStore} keeps
 * tokens up to {@link AcmeToken#MAX_LENGTH} ({@value AcmeToken#MAX_LENGTH}) characters, the
 * highest value this filter's limit accepts, so no setting of the filter makes a stored token
 * unreachable; the limit only narrows what is looked up. The {@code Host} header is deliberately not
 * checked: a proxy such as nginx's {@code proxy_pass http://localhost:8009;} rewrites it.
 * Every other path goes down the chain untouched; the jar's {@code web-fragment.xml} maps
 * the filter to the challenge path only, so other requests never even enter it.
 *
 * <p>The store is, in this order: the one injected by CDI; the servlet context
 * attribute named by {@value #STORE_ATTRIBUTE_PARAM} (looked up per challenge request, so
 * it may be set after the filter starts); {@link InMemoryChallengeStore#shared()}.
 *
 * <p>Init-params (an unknown or invalid one fails the start, naming it):
 * <dl>
 * <dt>{@value #STORE_ATTRIBUTE_PARAM}</dt>
 * <dd>Name of the servlet context attribute that holds the {@link ChallengeStore}.
 *     Default {@link #DEFAULT_STORE_ATTRIBUTE}.</dd>
 * <dt>{@value #MAX_TOKEN_LENGTH_PARAM}</dt>
 * <dd>Longest token looked up, 1 to {@value AcmeToken#MAX_LENGTH}. Default
 *     {@value #DEFAULT_MAX_TOKEN_LENGTH}; CAs send 43 characters (256 bits of base64url).</dd>
 * </dl>
 */
public class ChallengeFilter implements Filter {

    /** The path the CA fetches, relative to the host's root (RFC 8555, section 8.3). */
    public static final String PATH_PREFIX = "/.well-known/acme-challenge/";
    public static final String STORE_ATTRIBUTE_PARAM = "store-attribute";
    public static final String DEFAULT_STORE_ATTRIBUTE = ChallengeStore.class.getName();
    public static final String MAX_TOKEN_LENGTH_PARAM = "max-token-length";
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 128;

    private static final Set<String> KNOWN_PARAMS = Set.of(STORE_ATTRIBUTE_PARAM, MAX_TOKEN_LENGTH_PARAM);
    private static final System.Logger LOG = System.getLogger(ChallengeFilter.class.getName());
    /** The body of a 404 for an unknown token: {@link Preflight} recognizes it. */
    static final String NOT_FOUND_TEXT = "No pending ACME challenge for this token.\n";
    private static final byte[] NOT_FOUND_BODY = NOT_FOUND_TEXT.getBytes(StandardCharsets.US_ASCII);

    @Inject
    private ChallengeStore injectedStore;

    private ChallengeStore fixedStore;
    private ServletContext context;
    private String storeAttribute = DEFAULT_STORE_ATTRIBUTE;
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;

    /** For containers and CDI. */
    public ChallengeFilter() {
    }

    /** For programmatic registration with a known store. */
    public ChallengeFilter(ChallengeStore store) {
        this.fixedStore = store;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        context = config.getServletContext();
        for (String name : Collections.list(config.getInitParameterNames())) {
            if (!KNOWN_PARAMS.contains(name)) {
                throw new ConfigException("filter " + config.getFilterName() + ": init-param '" + name
                        + "' is unknown; expected one of " + String.join(", ", KNOWN_PARAMS.stream().sorted().toList()));
            }
        }
        String attribute = config.getInitParameter(STORE_ATTRIBUTE_PARAM);
        if (attribute != null) {
            if (attribute.isBlank()) {
                throw new ConfigException("filter " + config.getFilterName() + ": init-param '"
                        + STORE_ATTRIBUTE_PARAM + "' is empty; expected a servlet context attribute name");
            }
            storeAttribute = attribute.trim();
        }
        String max = config.getInitParameter(MAX_TOKEN_LENGTH_PARAM);
        if (max != null) {
            maxTokenLength = parseMaxTokenLength(config.getFilterName(), max);
        }
        LOG.log(Level.DEBUG, () -> "ACME challenge filter ready at " + context.getContextPath() + PATH_PREFIX);
    }

    private static int parseMaxTokenLength(String filterName, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= AcmeToken.MAX_LENGTH) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ConfigException("filter " + filterName + ": init-param '" + MAX_TOKEN_LENGTH_PARAM + "' is '"
                + value + "'; expected an integer from 1 to " + AcmeToken.MAX_LENGTH);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        String token = tokenOf(request);
        if (token == null) {
            chain.doFilter(req, res);
            return;
        }
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            response.setHeader("Allow", "GET, HEAD");
            response.setContentLength(0);
            return;
        }
        String answer = AcmeToken.isToken(token, maxTokenLength) ? store().find(token).orElse(null) : null;
        byte[] body = answer == null ? NOT_FOUND_BODY : answer.getBytes(StandardCharsets.US_ASCII);
        response.setStatus(answer == null ? HttpServletResponse.SC_NOT_FOUND : HttpServletResponse.SC_OK);
        response.setContentType("text/plain");
        response.setHeader("Cache-Control", "no-store");
        // with the length set, the one write completes the response: no chunking, no second flush
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
        // DEBUG: the provisioner logs each authorization the CA decides. Checked first, because the
        // arguments (a varargs array, the remote address as a new string) cost more than the answer
        if (answer != null && LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "Answered ACME http-01 challenge for token {0} to {1}", token, request.getRemoteAddr());
        }
    }

    /**
     * The raw (still percent-encoded) rest of the path after the challenge prefix, or null
     * when the request is not for the challenge path. The raw form is used on purpose: a
     * decoded path could turn {@code %2f} into a separator.
     */
    private static String tokenOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        int start = contextPath.length();
        if (uri == null || !uri.startsWith(PATH_PREFIX, start)) {
            return null;
        }
        return uri.substring(start + PATH_PREFIX.length());
    }

    private ChallengeStore store() {
        if (fixedStore != null) {
            return fixedStore;
        }
        if (injectedStore != null) {
            return injectedStore;
        }
        if (context != null && context.getAttribute(storeAttribute) instanceof ChallengeStore attributeStore) {
            return attributeStore;
        }
        return InMemoryChallengeStore.shared();
    }
}
