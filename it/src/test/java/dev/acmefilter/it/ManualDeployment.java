package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployer;

import java.time.Duration;
import java.util.List;

/**
 * A deployment an IT deploys by hand ({@code managed = false}), for a try-with-resources block
 * that always undeploys it: the log records from just before the deployment are the ones the
 * test reads ({@link #awaitLog}, {@link #logSince}).
 */
final class ManualDeployment implements AutoCloseable {

    private final Deployer deployer;
    private final String name;
    private final int logMark;
    private boolean deployed = true;

    private ManualDeployment(Deployer deployer, String name, int logMark) {
        this.deployer = deployer;
        this.name = name;
        this.logMark = logMark;
    }

    /** Marks the log, then deploys {@code name}; if deploying throws, there is nothing to undeploy. */
    static ManualDeployment deploy(Deployer deployer, String name) {
        int mark = LogCapture.install().mark();
        deployer.deploy(name);
        return new ManualDeployment(deployer, name, mark);
    }

    /** A record logged since just before the deployment that contains {@code text}, or null after {@code timeout}. */
    String awaitLog(String text, Duration timeout) throws InterruptedException {
        return LogCapture.install().await(logMark, text, timeout);
    }

    /** The records logged since just before the deployment. */
    List<String> logSince() {
        return LogCapture.install().since(logMark);
    }

    /** Undeploys now (a test that checks what undeploying does); {@link #close()} then does nothing. */
    void undeploy() {
        if (deployed) {
            deployer.undeploy(name);
            deployed = false;
        }
    }

    @Override
    public void close() {
        undeploy();
    }
}
