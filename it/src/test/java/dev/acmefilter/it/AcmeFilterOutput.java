package dev.acmefilter.it;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * acme-filter's {@code dev.acmefilter.output.Pem} and {@code KeyMatch}, loaded from the
 * acme-filter jar in a class loader of their own.
 *
 * <p>Why not from the class path: the embedded containers run in the test JVM and the webapp
 * class loaders have it as parent. With acme-filter on it, Tomcat's Weld found
 * acme-filter's {@code META-INF/beans.xml} twice (parent and WEB-INF/lib: "WELD-001409:
 * Ambiguous dependencies for type AcmeSettings"), and Jetty's Weld found the WEB-INF/lib jar
 * an empty bean archive ("Empty bean deployment archive ignored", then "WELD-001334:
 * Unsatisfied dependencies for type AcmeSettings"). So the failsafe runs leave acme-filter's
 * jar off the class path, as a real server would have it.
 */
public final class AcmeFilterOutput {

    private static final ClassLoader LOADER = loader();
    private static final Method READ_CERTIFICATES = method("dev.acmefilter.output.Pem", "readCertificates", Path.class);
    private static final Method READ_PRIVATE_KEY = method("dev.acmefilter.output.Pem", "readPrivateKey", Path.class);
    private static final Method MATCHES = method("dev.acmefilter.output.KeyMatch", "matches",
            X509Certificate.class, PrivateKey.class);

    private AcmeFilterOutput() {
    }

    private static ClassLoader loader() {
        String jar = System.getProperty("it.acmeFilterJar");
        if (jar == null) {
            // run from an IDE with acme-filter on the class path
            return AcmeFilterOutput.class.getClassLoader();
        }
        try {
            return new URLClassLoader("acme-filter-output", new URL[] {new File(jar).toURI().toURL()},
                    AcmeFilterOutput.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(jar, e);
        }
    }

    private static Method method(String className, String name, Class<?>... parameterTypes) {
        try {
            return Class.forName(className, true, LOADER).getMethod(name, parameterTypes);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot find " + className + "." + name + " in "
                    + System.getProperty("it.acmeFilterJar", "the class path"), e);
        }
    }

    private static Object invoke(Method method, Object... args) throws Exception {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** {@code Pem.readCertificates(file)}: the chain in a PEM file, leaf first. */
    @SuppressWarnings("unchecked")
    public static List<X509Certificate> readCertificates(Path file) throws Exception {
        return (List<X509Certificate>) invoke(READ_CERTIFICATES, file);
    }

    /** {@code Pem.readPrivateKey(file)}. */
    public static PrivateKey readPrivateKey(Path file) throws Exception {
        return (PrivateKey) invoke(READ_PRIVATE_KEY, file);
    }

    /** {@code KeyMatch.matches(certificate, key)}. */
    public static boolean keyMatches(X509Certificate certificate, PrivateKey key) throws Exception {
        return (Boolean) invoke(MATCHES, certificate, key);
    }
}
