package dev.acmefilter.status;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.config.StatusSettings;
import dev.acmefilter.provision.ManagedCertificate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The status endpoints, for a servlet mapped to {@code /acme/*}:
 * <ul>
 * <li>{@value #STATUS}: JSON, one entry per certificate (names, serial, issuer, validity,
 *     days left, next renewal, ARI window, attempts, last error with the ACME problem, last
 *     reload and verification); never key material or passwords</li>
 * <li>{@value #METRICS}: Prometheus text, one {@code certificate="<id>"} label per series</li>
 * <li>{@value #HEALTH}: {@code 200 healthy} or {@code 503 unhealthy}, with one line per problem</li>
 * </ul>
 * Who may ask is decided by {@link StatusAccess} ({@code acme.status.allow}, loopback by
 * default): others get {@code 403} and one line saying why. With {@code acme.status.token_file}
 * a request must also carry {@code Authorization: Bearer <token>}, else {@code 401}. With
 * {@code acme.status.enabled: false} every path answers {@code 404}.
 *
 * <p>A request is answered only when the path it was sent with is exactly the one the container
 * mapped here, byte for byte: {@code /.well-known/acme-challenge/..;/..;/acme/status} (which
 * Tomcat normalises to {@code /acme/status}), {@code /acme/%73tatus}, {@code /acme//status} or
 * {@code /acme/./status} get {@code 404}. A reverse proxy that forwards only the challenge path
 * passes such paths on unchanged, so without this check its Internet clients could read the
 * status through it, from the proxy's loopback address.
 *
 * <p>Abstract and not registered by the jar's web-fragment: a webapp that only uses the
 * challenge filter exposes nothing. The WAR subclasses it and maps it in its web.xml.
 */
public abstract class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    public static final String STATUS = "/status";
    public static final String METRICS = "/metrics";
    public static final String HEALTH = "/health";

    /** The certificates to report on (empty when ACME is disabled). */
    protected abstract List<ManagedCertificate> certificates();

    /** {@code acme.status}. */
    protected abstract StatusSettings statusSettings();

    /** {@code acme.alerts}, whose thresholds the health rule shares. */
    protected abstract AlertSettings alertSettings();

    protected Clock clock() {
        return Clock.systemUTC();
    }

    /** The cluster this node is part of, as status shows it; empty without {@code acme.cluster}. */
    protected Optional<ClusterStatus> clusterStatus(List<String> certificateIds) {
        return Optional.empty();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        StatusSettings settings = statusSettings();
        resp.setHeader("Cache-Control", "no-store");
        String path = Optional.ofNullable(req.getPathInfo()).orElse("");
        if (!settings.enabled() || !sentAsMapped(req, path)) {
            // acme.status.enabled: false, or a path the container had to decode or normalise to map it here
            text(resp, HttpServletResponse.SC_NOT_FOUND, "not found\n");
            return;
        }
        Optional<String> refusal = new StatusAccess(settings).refusal(req.getRemoteAddr(),
                name -> Collections.list(req.getHeaders(name)));
        if (refusal.isPresent()) {
            text(resp, HttpServletResponse.SC_FORBIDDEN, "forbidden: " + refusal.get() + "\n");
            return;
        }
        if (settings.token().isPresent() && !settings.token().get().accepts(req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"acme-status\"");
            text(resp, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized: "
                    + (req.getHeader("Authorization") == null ? "no bearer token" : "wrong bearer token")
                    + " (acme.status.token_file)\n");
            return;
        }
        if (!List.of(STATUS, METRICS, HEALTH).contains(path)) {
            text(resp, HttpServletResponse.SC_NOT_FOUND, "not found; try " + req.getContextPath()
                    + req.getServletPath() + STATUS + ", " + METRICS + " or " + HEALTH + "\n");
            return;
        }
        Clock clock = clock();
        List<CertificateStatus> snapshots = certificates().stream().map(c -> CertificateStatus.of(c, clock)).toList();
        StatusDocument document = new StatusDocument(snapshots, HealthRule.forSettings(alertSettings()),
                clock.instant(), clusterStatus(snapshots.stream().map(CertificateStatus::id).toList()));
        switch (path) {
            case STATUS -> write(resp, HttpServletResponse.SC_OK, "application/json; charset=utf-8", document.json());
            case METRICS -> write(resp, HttpServletResponse.SC_OK, PrometheusText.CONTENT_TYPE, document.metrics());
            default -> text(resp, document.healthy() ? HttpServletResponse.SC_OK
                    : HttpServletResponse.SC_SERVICE_UNAVAILABLE, document.healthText());
        }
    }

    /**
     * Whether the request line's path (still encoded, as sent) is exactly the context path,
     * servlet path and path info the container derived from it: no dot segments, no
     * {@code ;} parameters, no percent-encoding, no doubled slashes.
     */
    static boolean sentAsMapped(HttpServletRequest req, String pathInfo) {
        String sent = req.getRequestURI();
        return sent != null && sent.equals(req.getContextPath() + req.getServletPath() + pathInfo);
    }

    private static void text(HttpServletResponse resp, int status, String body) throws IOException {
        write(resp, status, "text/plain; charset=utf-8", body);
    }

    private static void write(HttpServletResponse resp, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
