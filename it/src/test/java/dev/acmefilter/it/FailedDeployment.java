package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployer;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the container made of a deployment that cannot start: whether {@code deploy} threw
 * (and the exception chain), the log records logged meanwhile, and what {@code GET /index.html}
 * answered. Deploys by hand through Arquillian's {@link Deployer} and always undeploys.
 */
record FailedDeployment(String deployment, Throwable thrown, List<String> log, int indexStatus) {

    static FailedDeployment deploy(Deployer deployer, String name) throws InterruptedException {
        LogCapture log = LogCapture.install();
        int mark = log.mark();
        Throwable thrown = null;
        int status;
        try {
            try {
                deployer.deploy(name);
            } catch (Throwable t) {
                thrown = t;
            }
            // the failure may be logged by another thread just after deploy returned
            log.await(mark, "ConfigException", Duration.ofSeconds(2));
            status = fetchIndexStatus();
        } finally {
            try {
                deployer.undeploy(name);
            } catch (Throwable t) {
                System.out.println("undeploy of " + name + " after the failed deployment: " + t);
            }
        }
        return new FailedDeployment(name, thrown, log.since(mark), status);
    }

    private static int fetchIndexStatus() {
        try {
            HttpResponse<String> index = ItEnvironment.get(ItEnvironment.base().resolve("/index.html"));
            return index.statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    List<String> exceptionMessages() {
        List<String> messages = new ArrayList<>();
        for (Throwable t = thrown; t != null && messages.size() < 20; t = t.getCause()) {
            messages.add(t.getClass().getName() + ": " + t.getMessage());
        }
        return messages;
    }

    /**
     * Asserts that {@code message} reached the deployer (exception chain) or the container's log,
     * and that the webapp does not serve as if it had started. Records how the container reported it.
     */
    void assertReported(String message) {
        boolean inException = exceptionMessages().stream().anyMatch(m -> m.contains(message));
        boolean inLog = log.stream().anyMatch(r -> r.contains(message));
        ItEnvironment.recordTiming("REPORT container=" + ItEnvironment.container() + " deployment=" + deployment
                + " deploy_threw=" + (thrown == null ? "no" : thrown.getClass().getName())
                + " message_in_exception=" + inException + " message_in_log=" + inLog
                + " GET_/index.html=" + indexStatus);
        exceptionMessages().forEach(m -> System.out.println("  cause: " + m));

        assertThat(inException || inLog)
                .as("'" + message + "' in the deployment exception " + exceptionMessages()
                        + " or in the container's log (" + log.size() + " records)")
                .isTrue();
        assertThat(thrown != null || indexStatus != 200)
                .as("deploy threw, or the webapp does not serve (GET /index.html answered " + indexStatus + ")")
                .isTrue();
    }
}
