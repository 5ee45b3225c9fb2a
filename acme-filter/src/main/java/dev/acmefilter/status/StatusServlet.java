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
 * default): others get {@code 403} and one line saying why. With {@code acme.status.enabled:
 * false} every path answers {@code 404}.
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
        if (!settings.enabled()) {
            text(resp, HttpServletResponse.SC_NOT_FOUND, "not found\n"); // acme.status.enabled: false
            return;
        }
        Optional<String> refusal = new StatusAccess(settings).refusal(req.getRemoteAddr(),
                name -> Collections.list(req.getHeaders(name)));
        if (refusal.isPresent()) {
            text(resp, HttpServletResponse.SC_FORBIDDEN, "forbidden: " + refusal.get() + "\n");
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
