package dev.acmefilter.config;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One YAML mapping of the configuration (the top level, {@code acme}, {@code acme.reload},
 * an entry of {@code acme.certificates}, ...) with the file that set it: the typed reads
 * every section parser uses, so that every wrong value gets a message of the same shape,
 * {@code <file>: <key>: <problem>; expected <what>} or, for a value of the wrong YAML type,
 * {@code <file>: <key>: expected <what>, found <what was there>}.
 *
 * <p>A section below the top level declares its keys when it is opened: any other key is a
 * warning naming the known ones (a typo must not be silently ignored, nor stop the start),
 * and reading an undeclared key is a programming error. Relative paths are resolved against
 * the folder of the file that set the section. At the top level, where Synapse's merge of
 * several files lets each key come from another file, each key is reported and resolved
 * against the file that set it; a key set nowhere is reported against all of them.
 */
public final class Section {

    private static final String SECONDS_EXPECTED = "a whole number of seconds from 1 to 3600";
    private static final String PORT_EXPECTED = "an integer from 1 to 65535";

    private final ConfigWarnings warnings;
    private final Path file;
    private final String key;
    private final Map<?, ?> map;
    private final Set<String> known;
    /** At the top level only: the file that set each key, and how to name all of them. */
    private final Map<?, Path> origins;
    private final String allFiles;

    private Section(ConfigWarnings warnings, Path file, String key, Map<?, ?> map, Set<String> known,
                    Map<?, Path> origins, String allFiles) {
        this.warnings = warnings;
        this.file = file;
        this.key = key;
        this.map = map;
        this.known = known;
        this.origins = origins;
        this.allFiles = allFiles;
    }

    /**
     * The top level of the merged files: any key is allowed (Synapse has many that are not
     * ours); {@code origins} says which file set each key.
     *
     * @param files the files read, in order (at least one)
     */
    static Section top(ConfigWarnings warnings, List<Path> files, Map<?, ?> map, Map<?, Path> origins) {
        String all = String.join(", ", files.stream().map(Path::toString).toList());
        // a copy that keeps a null key: "~: x" or "<<:" at the top level is YAML that Synapse would load too
        return new Section(warnings, files.get(0), "", map, null, Collections.unmodifiableMap(new HashMap<>(origins)), all);
    }

    /** The file that set this section (at the top level: the first file read). */
    public Path file() {
        return file;
    }

    /** The file that set the setting {@code name}; for a setting nowhere set, the section's file. */
    public Path fileOf(String name) {
        Path origin = origins == null ? null : origins.get(name);
        return origin != null ? origin : file;
    }

    /** How messages name where {@code name} is (or would be) set. */
    private String where(String name) {
        if (origins == null || origins.containsKey(name)) {
            return fileOf(name).toString();
        }
        return allFiles;
    }

    private static Path folderOf(Path file) {
        Path parent = file.getParent();
        return parent != null ? parent : file.getRoot();
    }

    /** The dotted key of this section ({@code acme.reload}), empty at the top level. */
    public String key() {
        return key;
    }

    /** The dotted key of one of this section's settings. */
    public String key(String name) {
        return key.isEmpty() ? name : key + "." + name;
    }

    /** Whether this section declared the key (an entry of {@code acme.certificates} declares fewer than {@code acme:}). */
    public boolean declares(String name) {
        return known == null || known.contains(name);
    }

    /** Whether the setting is there at all (also when its value is empty). */
    public boolean has(String name) {
        checkKnown(name);
        return map.containsKey(name);
    }

    /** The raw YAML value of a setting, null when absent. */
    public Object get(String name) {
        checkKnown(name);
        return map.get(name);
    }

    private void checkKnown(String name) {
        if (known != null && !known.contains(name)) {
            throw new IllegalStateException(key(name) + " is read but not declared by its section");
        }
    }

    // ---------------------------------------------------------------- sub-sections

    /**
     * The sub-section {@code name}, declaring its keys; an absent or empty one
     * ({@code reload:}) is an empty mapping: callers that tell them apart ask {@link #has}
     * first. Keys other than {@code keys} are warned about.
     */
    public Section section(String name, String expected, List<String> keys) {
        return open(fileOf(name), key(name), get(name), expected, keys);
    }

    /**
     * The entries of a list of mappings ({@code acme.certificates}): each one a section
     * named {@code <key>[<index>]} with the given keys. An absent list is empty.
     */
    public List<Section> sections(String name, String expected, String itemExpected, List<String> keys) {
        Object value = get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw typeError(name, expected, value);
        }
        List<Section> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            items.add(open(fileOf(name), key(name) + "[" + i + "]", list.get(i), itemExpected, keys));
        }
        return items;
    }

    private Section open(Path childFile, String childKey, Object value, String expected, List<String> keys) {
        Map<?, ?> child;
        if (value == null) {
            child = Map.of();
        } else if (value instanceof Map<?, ?> m) {
            child = m;
        } else {
            throw new ConfigException(childFile + ": " + childKey + ": expected " + expected + ", found "
                    + Shown.describe(value));
        }
        Set<String> declared = new LinkedHashSet<>(keys);
        Section section = new Section(warnings, childFile, childKey, child, declared, null, null);
        for (Object k : child.keySet()) {
            if (!(k instanceof String s) || !declared.contains(s)) {
                section.warn(childKey + "." + k + ": unknown setting, ignored; known settings are "
                        + String.join(", ", keys));
            }
        }
        return section;
    }

    // ---------------------------------------------------------------- typed reads

    /** {@code true}/{@code false}, YAML 1.1's words, or the same words quoted. */
    public boolean bool(String name, boolean defaultValue) {
        Object value = get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            // a quoted "true" is still meant as true; YAML 1.1 words as PyYAML reads them
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw typeError(name, "true or false", value);
    }

    /** A string, or null when absent; numbers, booleans, lists and mappings are type errors. */
    public String string(String name, String expected) {
        Object value = get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw typeError(name, expected, value);
    }

    /** A string that may not be blank when present; trimmed; null when absent. */
    public String text(String name, String emptyProblem, String expected) {
        String text = string(name, expected);
        if (text != null && text.isBlank()) {
            throw valueError(name, emptyProblem, expected);
        }
        return text == null ? null : text.trim();
    }

    /**
     * A YAML integer (or a string of digits) of the setting's value, or null when it is some
     * other scalar; lists and mappings are type errors.
     */
    public BigInteger integer(String name, String expected) {
        return integerOf(name, get(name), expected);
    }

    private BigInteger integerOf(String name, Object value, String expected) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new BigInteger(value.toString());
        }
        if (value instanceof String s && s.trim().matches("[+-]?[0-9]{1,12}")) {
            return new BigInteger(s.trim());
        }
        if (value instanceof Map || value instanceof List) {
            throw typeError(name, expected, value);
        }
        return null;
    }

    /**
     * A whole number from 1 to {@code max}; anything else is
     * {@code <value> <problem>; expected <expected>}.
     */
    public int positive(String name, int defaultValue, int max, String problem, String expected) {
        Object value = get(name);
        if (value == null) {
            return defaultValue;
        }
        BigInteger n = integerOf(name, value, expected);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw valueError(name, Shown.show(value) + " " + problem, expected);
        }
        return n.intValue();
    }

    /** A TCP port, 1 to 65535. */
    public int port(String name, int defaultValue) {
        return positive(name, defaultValue, Bounds.MAX_PORT, "is not a port number", PORT_EXPECTED);
    }

    /** A timeout: a whole number of seconds from 1 to 3600. */
    public Duration seconds(String name, Duration defaultValue) {
        Object value = get(name);
        if (value == null) {
            return defaultValue;
        }
        BigInteger n = integerOf(name, value, SECONDS_EXPECTED);
        if (n == null) {
            throw valueError(name, Shown.show(value) + " is not a number of seconds", SECONDS_EXPECTED);
        }
        if (n.signum() <= 0) {
            throw valueError(name, n + " is not a positive number of seconds", SECONDS_EXPECTED);
        }
        if (n.compareTo(BigInteger.valueOf(3600)) > 0) {
            throw valueError(name, n + " seconds is more than an hour", SECONDS_EXPECTED);
        }
        return Duration.ofSeconds(n.longValue());
    }

    /** A list of strings; a single string where {@code single} allows it. Absent: empty. */
    public List<String> strings(String name, String expected, boolean single) {
        Object value = get(name);
        if (value == null) {
            return List.of();
        }
        if (single && value instanceof String s) {
            return List.of(s);
        }
        if (!(value instanceof List<?> list)) {
            throw typeError(name, expected, value);
        }
        List<String> strings = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof String s)) {
                throw error(name, "expected " + expected + ", found " + Shown.describe(entry) + " in the list");
            }
            strings.add(s);
        }
        return strings;
    }

    /** A path relative to the folder of the file that set it, absolute and normalized; null when absent. */
    public Path path(String name) {
        String expected = "a file path";
        String text = string(name, expected);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            throw valueError(name, "the path is empty", expected);
        }
        try {
            return folderOf(fileOf(name)).resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw valueError(name, Shown.quote(text) + " is not a valid path (" + e.getReason() + ")", expected);
        }
    }

    /** {@link #path} of a setting that must be there. */
    public Path requiredPath(String name, String expected) {
        Path path = path(name);
        if (path == null) {
            throw valueError(name, "missing", expected);
        }
        return path;
    }

    /** A file beside the one that set this section, for defaults such as Synapse's {@code client.key}. */
    public Path besideFile(String fileName) {
        return folderOf(file).resolve(fileName);
    }

    /** A DNS name for a certificate, normalized; a bad one is {@code <file>: <key>: <problem>}. */
    public String dnsName(String name, String raw) {
        return dnsName(name, raw, ChallengeSettings.DEFAULTS);
    }

    /**
     * A DNS name for a certificate whose challenges are answered as {@code challenge} says:
     * a wildcard name ({@code *.example.org}) only with dns-01.
     */
    public String dnsName(String name, String raw, ChallengeSettings challenge) {
        String normalized = DnsNames.normalize(raw);
        DnsNames.problem(normalized, challenge.allowsWildcards(), key("challenge")).ifPresent(problem -> {
            throw error(name, problem);
        });
        return normalized;
    }

    // ---------------------------------------------------------------- messages

    /** Records (and logs, unless the load is quiet) a warning about this file. */
    public void warn(String message) {
        warnings.add(file + ": " + message);
    }

    /** Logs an informational line about this file, unless the load is quiet. */
    public void note(String message) {
        warnings.info(file + ": " + message);
    }

    /** {@code <file>: <key>: <problem>; expected <expected>}. */
    public ConfigException valueError(String name, String problem, String expected) {
        return error(name, problem + "; expected " + expected);
    }

    /** {@code <file>: <key>: expected <expected>, found <the value, or its kind for collections>}. */
    public ConfigException typeError(String name, String expected, Object found) {
        return error(name, "expected " + expected + ", found " + Shown.describe(found));
    }

    /** {@code <file>: <key>: <message>}. */
    public ConfigException error(String name, String message) {
        return new ConfigException(where(name) + ": " + key(name) + ": " + message);
    }
}
