package dev.acmefilter.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads one Synapse config file into its top-level mapping, with SnakeYAML's safe
 * constructor only (plain maps, lists and scalars; no arbitrary classes). SnakeYAML speaks
 * YAML 1.1 like Synapse's PyYAML, so {@code 0640} is the octal number 416 and
 * {@code yes}/{@code off} are booleans. A parser error names the line and column but never
 * quotes a line that may hold a secret.
 */
final class YamlFile {

    private YamlFile() {
    }

    /** The top-level mapping of {@code file}. */
    static Map<?, ?> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory; expected Synapse's homeserver.yaml file");
        }
        Object document;
        try (InputStream in = Files.newInputStream(file)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file; expected Synapse's homeserver.yaml file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": the file cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": the file cannot be read: " + e, e);
        } catch (MarkedYAMLException e) {
            // getMessage() would quote the offending line, which may hold a secret: use only the problem
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem();
            if (mentionsSecret(file, mark) || mentionsSecret(file, e.getContextMark())) {
                // problems about aliases, anchors and tags echo the token, which could be the MAC key
                problem = "this part cannot be parsed (details hidden, as it may hold acme.eab.hmac_key or "
                        + "acme.keystore.password)";
            }
            throw new ConfigException(file + ": not valid YAML" + where + ": " + problem);
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        } catch (RuntimeException e) {
            // SnakeYAML's constructors let some tagged values through unchecked: "server_name: !!set x"
            // is a ClassCastException (found by ConfigLoaderFuzzTest)
            throw new ConfigException(file + ": not valid YAML: a value cannot be read as the type its tag names"
                    + " (such as !!set, !!map, !!int, !!binary or !!timestamp)");
        }
        if (document instanceof Map<?, ?> map) {
            return map;
        }
        throw new ConfigException(file + ": expected a mapping of Synapse settings at the top level, found "
                + (document == null ? "an empty document" : Section.describe(document)));
    }

    /** Whether the line a parser error points at (or the one before it) holds a secret. */
    private static boolean mentionsSecret(Path file, Mark mark) {
        if (mark == null) {
            return false;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.skip(Math.max(0, mark.getLine() - 1)).limit(2)
                    .anyMatch(l -> l.contains("hmac_key") || l.contains("password"));
        } catch (IOException | UncheckedIOException e) {
            return true; // cannot tell: hide the detail
        }
    }
}
