package dev.acmefilter.testing;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import org.eclipse.jetty.server.Server;

import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A whole provisioner in its own JVM, for tests that kill it: an embedded Jetty answering
 * challenges on a port, and one check ({@code check}) or forced renewal ({@code renew}) for
 * a homeserver.yaml. Prints {@code RESULT <outcome>} or {@code FAILED <message>}; exits 0 or 3.
 *
 * <p>Arguments: config file, HTTP port, {@code check|renew}.
 */
public final class ProvisionOnce {

    public static void main(String[] args) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        // the product's own INFO lines on stdout, so that a test can see where the run is
        Logger product = Logger.getLogger("dev.acmefilter");
        product.setLevel(Level.INFO);
        product.addHandler(new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) {
                System.out.println("LOG " + new java.util.logging.SimpleFormatter().formatMessage(record));
                System.out.flush();
            }
            @Override public void flush() { }
            @Override public void close() { }
        });
        AcmeConfig settings = ConfigLoader.load(Path.of(args[0]));
        int port = Integer.parseInt(args[1]);
        boolean renew = args.length > 2 && args[2].equals("renew");
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        Server jetty = ChallengeJetty.start(store, port);
        System.out.println("STARTED");
        Provisioner provisioner = new Provisioner(settings.certificates().get(0), store);
        int exit = 0;
        try {
            ProvisionResult result = renew ? provisioner.renewNow() : provisioner.provisionIfNeeded();
            System.out.println("RESULT " + result.outcome() + " " + result.leaf().getSerialNumber().toString(16));
        } catch (Exception e) {
            System.out.println("FAILED " + e.getMessage());
            exit = 3;
        } finally {
            provisioner.close();
            jetty.stop();
        }
        System.out.flush();
        System.exit(exit);
    }
}
