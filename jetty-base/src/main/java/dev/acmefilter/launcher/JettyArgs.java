package dev.acmefilter.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jetty's start command for this base, as {@code start.jar --dry-run} worked it out when the
 * package was built ({@link JettyArgsWriter}), read back from {@code lib/jetty.args} with the
 * installed folders and the listen address put in. Running it directly saves {@code start.jar}'s
 * module resolution at every start, and keeps the start command of an installed package fixed.
 *
 * <p>The file has one entry per line: {@code jetty.home DIR} and {@code jetty.base DIR} (relative
 * to the install folder), {@code system NAME=VALUE} (a system property), {@code class-path PATH}
 * (Jetty's class path, in order) and {@code arg ARG} (the arguments of Jetty's
 * {@code XmlConfiguration}, in order); {@code #} starts a comment. Values may hold
 * {@code ${jetty.home}}, {@code ${jetty.base}}, {@code ${jetty.home.uri}}, {@code ${jetty.base.uri}},
 * {@code ${java.version}}, {@code ${acme.http.port}} and {@code ${acme.http.host}}; an
 * {@code arg} whose value ends up empty ({@code jetty.http.host=} for all interfaces) is left out,
 * as Jetty rejects an empty host.
 *
 * @param jettyHome        the jetty-home folder
 * @param jettyBase        the Jetty base folder
 * @param systemProperties what start.jar would set with {@code -D}
 * @param classPath        Jetty's class path
 * @param args             the arguments of {@code org.eclipse.jetty.xml.XmlConfiguration.main}
 */
public record JettyArgs(Path jettyHome, Path jettyBase, Map<String, String> systemProperties,
                        List<Path> classPath, List<String> args) {

    /** The file's name in the install folder's {@code lib/}. */
    public static final String FILE = "jetty.args";
    static final String PORT = "${acme.http.port}";
    static final String HOST = "${acme.http.host}";

    public JettyArgs {
        systemProperties = Map.copyOf(systemProperties);
        classPath = List.copyOf(classPath);
        args = List.copyOf(args);
    }

    /**
     * @param file   {@code lib/jetty.args}
     * @param home   the install folder
     * @param listen where Jetty listens
     * @param extra  more Jetty properties ({@code name=value}), put after the listen address
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when a line is not understood (names the file and line)
     */
    public static JettyArgs read(Path file, Path home, ListenAddress listen, List<String> extra) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Path jettyHome = null;
        Path jettyBase = null;
        for (int i = 0; i < lines.size(); i++) {
            String[] entry = entry(file, i, lines.get(i));
            if (entry != null && entry[0].equals("jetty.home")) {
                jettyHome = home.resolve(entry[1]).normalize();
            } else if (entry != null && entry[0].equals("jetty.base")) {
                jettyBase = home.resolve(entry[1]).normalize();
            }
        }
        if (jettyHome == null || jettyBase == null) {
            throw new IllegalArgumentException(file + ": no jetty.home or jetty.base line; rebuild the package");
        }
        Map<String, String> values = Map.of(
                "${jetty.home.uri}", uri(jettyHome), "${jetty.base.uri}", uri(jettyBase),
                "${jetty.home}", jettyHome.toString(), "${jetty.base}", jettyBase.toString(),
                "${java.version}", System.getProperty("java.version"),
                PORT, Integer.toString(listen.port()), HOST, listen.host());
        Map<String, String> system = new LinkedHashMap<>();
        List<Path> classPath = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] entry = entry(file, i, lines.get(i));
            if (entry == null) {
                continue;
            }
            String value = substitute(entry[1], values);
            switch (entry[0]) {
                case "jetty.home", "jetty.base" -> { }
                case "system" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected system NAME=VALUE");
                    }
                    system.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "class-path" -> classPath.add(Path.of(value));
                case "arg" -> {
                    if (value.endsWith("=") && entry[1].endsWith("}")) {
                        continue; // a placeholder that is empty here: jetty.http.host for all interfaces
                    }
                    args.add(value);
                    if (entry[1].contains(PORT)) {
                        args.addAll(extra);
                    }
                }
                default -> throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown entry '" + entry[0] + "'");
            }
        }
        return new JettyArgs(jettyHome, jettyBase, system, classPath, args);
    }

    /** {@code [kind, value]}, or null for a blank or comment line. */
    private static String[] entry(Path file, int index, String line) {
        if (line.isBlank() || line.startsWith("#")) {
            return null;
        }
        int space = line.indexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException(file + ":" + (index + 1) + ": expected 'KIND VALUE', found '" + line + "'");
        }
        return new String[] {line.substring(0, space), line.substring(space + 1)};
    }

    private static String substitute(String value, Map<String, String> values) {
        String result = value;
        for (Map.Entry<String, String> e : values.entrySet()) {
            result = result.replace(e.getKey(), e.getValue());
        }
        return result;
    }

    /** {@code file:///usr/share/matrix-acme/jetty-base}, as start.jar writes it (no trailing slash). */
    static String uri(Path folder) {
        String uri = folder.toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
