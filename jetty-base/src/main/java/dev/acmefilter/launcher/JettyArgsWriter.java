package dev.acmefilter.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Build step (run by Maven when the package is assembled): asks Jetty's {@code start.jar
 * --dry-run} for the start command of the assembled base and writes it to {@code lib/jetty.args}
 * in {@link JettyArgs}' format, with the build's folders replaced by placeholders, so that the
 * installed service starts Jetty directly.
 *
 * <p>{@code java JettyArgsWriter INSTALL-FOLDER JETTY-HOME JETTY-BASE}: the two folders relative
 * to the install folder. Fails (exit 1) when start.jar fails, or when its command holds a JVM
 * option other than a system property (a {@code start.d} file that needs a JVM of its own, which
 * the service's launcher would silently drop).
 */
public final class JettyArgsWriter {

    private static final String MAIN = "org.eclipse.jetty.xml.XmlConfiguration";
    private static final String PORT_MARK = "ACME_HTTP_PORT";
    private static final String HOST_MARK = "ACME_HTTP_HOST";

    private JettyArgsWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: JettyArgsWriter INSTALL-FOLDER JETTY-HOME JETTY-BASE");
            System.exit(2);
        }
        Path install = Path.of(args[0]).toAbsolutePath().normalize();
        Path out = install.resolve("lib").resolve(JettyArgs.FILE);
        String text = write(dryRun(install.resolve(args[1]), install.resolve(args[2])), install, args[1], args[2]);
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(JettyArgs.FILE + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Wrote " + out);
    }

    /** The first line start.jar prints for {@code --dry-run}: the java command. */
    static String dryRun(Path jettyHome, Path jettyBase) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jettyHome.resolve("start.jar").toString(),
                "jetty.home=" + jettyHome, "jetty.base=" + jettyBase, "--dry-run",
                "jetty.http.port=" + PORT_MARK, "jetty.http.host=" + HOST_MARK)
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("start.jar --dry-run failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    /**
     * The {@code lib/jetty.args} text for a dry-run command line.
     *
     * @param command   the java command start.jar printed (shell words; none of ours need quoting)
     * @param install   the install folder at build time
     * @param jettyHome jetty-home, relative to it
     * @param jettyBase the base, relative to it
     */
    static String write(String command, Path install, String jettyHome, String jettyBase) {
        List<String> words = words(command);
        int main = words.indexOf(MAIN);
        if (words.isEmpty() || !words.get(0).endsWith("java") || main < 0) {
            throw new IllegalArgumentException("start.jar --dry-run printed no '" + MAIN + "' command: " + command);
        }
        Path home = install.resolve(jettyHome);
        Path base = install.resolve(jettyBase);
        StringBuilder out = new StringBuilder()
                .append("# Jetty's start command for this base, from start.jar --dry-run at build time (JettyArgsWriter).\n")
                .append("# Read by ServiceMain (JettyArgs): one 'KIND VALUE' per line.\n")
                .append("jetty.home ").append(jettyHome).append('\n')
                .append("jetty.base ").append(jettyBase).append('\n');
        for (int i = 1; i < main; i++) {
            String word = words.get(i);
            if ((word.equals("--class-path") || word.equals("-cp")) && i + 1 < main) {
                for (String entry : words.get(++i).split(":")) {
                    out.append("class-path ").append(placeholders(entry, home, base)).append('\n');
                }
            } else if (word.startsWith("-D")) {
                out.append("system ").append(placeholders(word.substring(2), home, base)).append('\n');
            } else {
                throw new IllegalArgumentException("start.jar --dry-run asks for the JVM option '" + word
                        + "', which the service's launcher does not pass: set it in JAVA_OPTS instead");
            }
        }
        for (String word : words.subList(main + 1, words.size())) {
            out.append("arg ").append(placeholders(word, home, base)).append('\n');
        }
        return out.toString();
    }

    private static String placeholders(String word, Path home, Path base) {
        String result = word
                .replace(JettyArgs.uri(home), "${jetty.home.uri}").replace(JettyArgs.uri(base), "${jetty.base.uri}")
                .replace(home.toString(), "${jetty.home}").replace(base.toString(), "${jetty.base}")
                .replace(PORT_MARK, JettyArgs.PORT).replace(HOST_MARK, JettyArgs.HOST);
        return result.startsWith("java.version=") ? "java.version=${java.version}" : result;
    }

    /** Splits a command line printed by start.jar: words separated by spaces, each maybe in single quotes. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split(" +")) {
            if (word.length() >= 2 && word.startsWith("'") && word.endsWith("'")) {
                word = word.substring(1, word.length() - 1);
            }
            if (word.contains("'") || word.contains("\"") || word.contains("\\")) {
                throw new IllegalArgumentException("cannot split start.jar's command at: " + word);
            }
            words.add(word);
        }
        return words;
    }
}
