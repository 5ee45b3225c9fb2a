package dev.acmefilter.it;

import dev.acmefilter.testing.Pebble;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The webapp one IT class deploys: the homeserver.yaml written for it, the acme.war given that
 * file, and, for a class that needs a CA of its own (an outage, rejected nonces, a port where
 * nothing listens), that Pebble. Made by the class's {@code @Deployment} method, kept in a static
 * field of the class, read by its tests.
 *
 * <p>{@link LogCapture} is installed first, before any CA or container starts, so that every
 * record of the deployment is kept.
 */
final class ItWebapp {

    private ItEnvironment.Homeserver homeserver;
    private Pebble ownCa;

    /** The WAR for a homeserver.yaml ordering from the JVM's Pebble (no CA when not {@code enabled}). */
    WebArchive war(boolean enabled, String... extraAcmeLines) {
        LogCapture.install();
        homeserver = ItEnvironment.homeserver(enabled, extraAcmeLines);
        return ItEnvironment.acmeWar(homeserver.yaml());
    }

    /**
     * The WAR for a homeserver.yaml ordering from a Pebble of the class's own, started here from
     * {@code ca}; {@link #stopOwnCa()} stops it.
     */
    WebArchive warWithOwnCa(Pebble.Builder ca) {
        LogCapture.install();
        ownCa = ca.start();
        homeserver = ItEnvironment.homeserver(ownCa, true);
        return ItEnvironment.acmeWar(homeserver.yaml());
    }

    /** The homeserver.yaml and the certificate and key files it names. */
    ItEnvironment.Homeserver homeserver() {
        return homeserver;
    }

    /** The Pebble started by {@link #warWithOwnCa}. */
    Pebble ownCa() {
        return ownCa;
    }

    /** Stops the Pebble started by {@link #warWithOwnCa}, if it was started: for the class's {@code @AfterAll}. */
    void stopOwnCa() {
        if (ownCa != null) {
            ownCa.close();
        }
    }
}
