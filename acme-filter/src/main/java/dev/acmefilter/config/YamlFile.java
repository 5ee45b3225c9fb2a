package dev.acmefilter.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one Synapse config file, with SnakeYAML's safe constructor only (plain maps, lists
 * and scalars; no arbitrary classes). SnakeYAML speaks YAML 1.1 like Synapse's PyYAML, so
 * {@code 0640} is the octal number 416 and {@code yes}/{@code off} are booleans.
 *
 * <p>Stricter than PyYAML where a silent difference would hurt: a key set twice in one
 * mapping is an error naming both lines (PyYAML keeps the last one without a word), the
 * file must be UTF-8 text of at most {@value #MAX_BYTES} bytes, and SnakeYAML's limits on
 * aliases ({@value #MAX_ALIASES}) and nesting ({@value #MAX_DEPTH}) stop a "billion laughs"
 * file. A parser error names the line and column but never quotes a line that may hold a
 * secret, and no message names a Java class.
 */
final class YamlFile {

    /** Far above any real homeserver.yaml (Synapse's full sample is about 120 KiB). */
    static final int MAX_BYTES = 3 * 1024 * 1024;
    static final int MAX_ALIASES = 50;
    static final int MAX_DEPTH = 50;

    private YamlFile() {
    }

    /** The document in {@code file}: a mapping, another YAML value, or null for an empty file. */
    static Object read(Path file) {
        String text = decode(file, bytes(file));
        try {
            return yaml(false).load(text);
        } catch (DuplicateKeyException e) {
            throw duplicateKey(file, text, e);
        } catch (MarkedYAMLException e) {
            // getMessage() would quote the offending line, which may hold a secret: use only the problem
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem();
            if (mentionsSecret(text, mark) || mentionsSecret(text, e.getContextMark())) {
                // problems about aliases, anchors and tags echo the token, which could be the MAC key
                problem = "this part cannot be parsed (details hidden, as it may hold acme.eab.hmac_key, "
                        + "acme.keystore.password or acme.dns.rfc2136.tsig_secret)";
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
    }

    /** The top-level mapping of {@code file}; anything else is an error. */
    static Map<?, ?> readMapping(Path file) {
        Object document = read(file);
        if (document instanceof Map<?, ?> map) {
            return map;
        }
        throw notAMapping(file, document);
    }

    static ConfigException notAMapping(Path file, Object document) {
        return new ConfigException(file + ": expected a mapping of Synapse settings at the top level, found "
                + (document == null ? "an empty document" : Shown.describe(document)));
    }

    private static Yaml yaml(boolean allowDuplicateKeys) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(allowDuplicateKeys);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        return new Yaml(new SafeConstructor(options));
    }

    /** The file's bytes: a regular file (not a folder or a FIFO, which would block), bounded. */
    private static byte[] bytes(Path file) {
        String expected = "; expected Synapse's homeserver.yaml file";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file" + expected, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": the file cannot be read: " + reason(e), e);
        }
        if (attributes.isDirectory()) {
            throw new ConfigException(file + ": is a directory" + expected);
        }
        if (!attributes.isRegularFile()) {
            throw new ConfigException(file + ": is not a regular file (a pipe or a device)" + expected);
        }
        if (attributes.size() > MAX_BYTES) {
            throw new ConfigException(file + ": is " + attributes.size() + " bytes long, more than the "
                    + MAX_BYTES + " a config file may have" + expected);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ConfigException(file + ": is more than " + MAX_BYTES + " bytes long" + expected);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file" + expected, e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": the file cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": the file cannot be read: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }

    /** Strict UTF-8 (as PyYAML reads a file without a byte-order mark); the first bad byte is named. */
    private static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(file + ": not UTF-8 text: the byte 0x" + String.format("%02X", bytes[at] & 0xff)
                    + " at line " + line + ", column " + (at - lineStart + 1) + " (byte " + (at + 1) + " of the file)"
                    + " is not valid UTF-8; expected a YAML file in UTF-8, as Synapse reads it");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** A key set twice in one mapping: names the key, where it is, and both lines. */
    private static ConfigException duplicateKey(Path file, String text, DuplicateKeyException e) {
        int second = e.getProblemMark() == null ? -1 : e.getProblemMark().getLine() + 1;
        Mark mapping = e.getContextMark();
        List<String> found = new ArrayList<>();
        try {
            Node root = yaml(true).compose(new StringReader(text));
            findDuplicate(root, "", mapping == null ? -1 : mapping.getIndex(), second, found);
        } catch (YAMLException again) {
            // cannot locate it: report what SnakeYAML said
        }
        if (found.size() == 3) {
            return new ConfigException(file + ": " + found.get(0) + ": set twice, at line " + found.get(1)
                    + " and at line " + found.get(2) + "; expected each key once (Synapse would silently use the "
                    + "second)");
        }
        return new ConfigException(file + ": not valid YAML at line " + second + ": " + e.getProblem()
                + "; expected each key once");
    }

    /**
     * Walks the node tree to the mapping that starts at {@code mappingIndex} and finds the
     * key set again at {@code secondLine}: its dotted name and both lines go into {@code found}.
     */
    private static void findDuplicate(Node node, String path, int mappingIndex, int secondLine, List<String> found) {
        if (node == null || !found.isEmpty()) {
            return;
        }
        if (node instanceof MappingNode mapping) {
            List<NodeTuple> tuples = mapping.getValue();
            if (mapping.getStartMark().getIndex() == mappingIndex) {
                for (NodeTuple candidate : tuples) {
                    if (candidate.getKeyNode() instanceof ScalarNode key
                            && key.getStartMark().getLine() + 1 == secondLine) {
                        for (NodeTuple first : tuples) {
                            if (first.getKeyNode() instanceof ScalarNode earlier && earlier != key
                                    && earlier.getValue().equals(key.getValue())) {
                                found.add(path.isEmpty() ? key.getValue() : path + "." + key.getValue());
                                found.add(String.valueOf(earlier.getStartMark().getLine() + 1));
                                found.add(String.valueOf(secondLine));
                                return;
                            }
                        }
                    }
                }
            }
            for (NodeTuple tuple : tuples) {
                String name = tuple.getKeyNode() instanceof ScalarNode key ? key.getValue() : "?";
                findDuplicate(tuple.getValueNode(), path.isEmpty() ? name : path + "." + name, mappingIndex,
                        secondLine, found);
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                findDuplicate(items.get(i), path + "[" + i + "]", mappingIndex, secondLine, found);
            }
        }
    }

    /** Whether the line a parser error points at (or the one before it) holds a secret. */
    private static boolean mentionsSecret(String text, Mark mark) {
        if (mark == null) {
            return false;
        }
        return text.lines().skip(Math.max(0, mark.getLine() - 1)).limit(2)
                .anyMatch(l -> l.contains("hmac_key") || l.contains("password") || l.contains("tsig_secret"));
    }
}
