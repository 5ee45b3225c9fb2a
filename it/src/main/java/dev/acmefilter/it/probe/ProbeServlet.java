package dev.acmefilter.it.probe;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.provision.CertificateFleet;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Added to acme.war by the tests: reports what CDI injected into a plain servlet of the
 * webapp, as {@code key=value} lines, and lets the test put a token into the injected store.
 * <ul>
 * <li>{@code GET /it-probe/cdi}: injected beans, proxy classes, bean scopes, whether the renewal loop runs</li>
 * <li>{@code GET /it-probe/settings}: what the provisioner read from homeserver.yaml</li>
 * <li>{@code GET /it-probe/put?token=T&value=V}, {@code /it-probe/remove?token=T}: the injected store</li>
 * </ul>
 */
@WebServlet("/it-probe/*")
public class ProbeServlet extends HttpServlet {

    @Inject
    CertificateFleet fleet;

    @Inject
    AcmeConfig config;

    /**
     * For {@code dev.acmefilter.war.AcmeBootstrap}: that class lives in the WAR's WEB-INF/classes
     * only (acme-war publishes no classes jar), so this module cannot compile against it and
     * selects it by its runtime class instead.
     */
    @Inject
    @Any
    Instance<Object> beans;

    static final String BOOTSTRAP = "dev.acmefilter.war.AcmeBootstrap";

    @Inject
    ChallengeStore store;

    @Inject
    BeanManager beanManager;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        Map<String, Object> answer = new LinkedHashMap<>();
        Class<?> bootstrapClass;
        Object bootstrap;
        try {
            bootstrapClass = Class.forName(BOOTSTRAP, true, getClass().getClassLoader());
            bootstrap = beans.select(bootstrapClass).get();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ServletException("cannot get the " + BOOTSTRAP + " bean", e);
        }
        String what = req.getPathInfo() == null ? "/cdi" : req.getPathInfo();
        switch (what) {
            case "/cdi" -> {
                answer.put("fleet.injected", fleet != null);
                answer.put("bootstrap.injected", bootstrap != null);
                answer.put("store.injected", store != null);
                answer.put("beanManager.injected", beanManager != null);
                if (fleet != null) {
                    answer.put("fleet.class", fleet.getClass().getName());
                }
                if (store != null) {
                    answer.put("store.class", store.getClass().getName());
                }
                if (beanManager != null) {
                    Bean<?> p = beanManager.resolve(beanManager.getBeans(CertificateFleet.class));
                    answer.put("fleet.scope", p.getScope().getName());
                    answer.put("fleet.beanClass", p.getBeanClass().getName());
                    Bean<?> b = beanManager.resolve(beanManager.getBeans(bootstrapClass));
                    answer.put("bootstrap.scope", b.getScope().getName());
                    Bean<?> s = beanManager.resolve(beanManager.getBeans(ChallengeStore.class));
                    answer.put("store.scope", s.getScope().getName());
                    answer.put("store.beanClass", s.getBeanClass().getName());
                }
                if (bootstrap != null) {
                    try {
                        Optional<?> running = (Optional<?>) bootstrapClass.getMethod("fleet").invoke(bootstrap);
                        answer.put("scheduler.present", running.isPresent());
                    } catch (ReflectiveOperationException e) {
                        throw new ServletException(BOOTSTRAP + ".fleet()", e);
                    }
                }
            }
            case "/settings" -> {
                CertificateSettings first = fleet.certificates().get(0).provisioner().settings();
                answer.put("domains", String.join(",", first.domains()));
                answer.put("enabled", config.enabled());
                answer.put("configFile", config.describeFiles());
                answer.put("certificates", fleet.certificates().size());
            }
            case "/put" -> {
                store.put(req.getParameter("token"), req.getParameter("value"));
                answer.put("put", req.getParameter("token"));
            }
            case "/remove" -> {
                store.remove(req.getParameter("token"));
                answer.put("removed", req.getParameter("token"));
            }
            default -> {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND, "unknown probe " + what);
                return;
            }
        }
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        StringBuilder body = new StringBuilder();
        answer.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        resp.getWriter().print(body);
    }
}
