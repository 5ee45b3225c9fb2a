package dev.acmefilter.status;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes plain Java values as JSON (RFC 8259): {@link Map} (keys in iteration order) as an
 * object, {@link Collection} as an array, {@link CharSequence}, numbers, booleans, null,
 * {@link Optional} (its value, or null) and {@link Instant} (ISO-8601 UTC, as in the logs).
 * A dozen lines of escaping instead of a JSON library: nothing here is parsed, and the jar
 * stays free of another dependency that a webapp might already carry in another version.
 *
 * <p>Escaping: quote, backslash and every control character; also U+2028/U+2029 (line
 * separators to JavaScript) and lone surrogates, which have no UTF-8 form.
 */
public final class Json {

    private Json() {
    }

    /**
     * A JSON object with {@code keysAndValues} in that order: {@code object("a", 1, "b", null)}.
     * Values may be null (written as null).
     *
     * @throws IllegalArgumentException when a key is missing or is not a string
     */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a key without a value: " + keysAndValues[keysAndValues.length - 1]);
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("not a key: " + keysAndValues[i]);
            }
            object.put(key, keysAndValues[i + 1]);
        }
        return object;
    }

    /** {@code value} as JSON, indented by two spaces per level so that {@code curl} output is readable. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence text) {
            string(out, text);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Instant instant) {
            string(out, DateTimeFormatter.ISO_INSTANT.format(instant));
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, depth);
        } else if (value instanceof Collection<?> list) {
            array(out, list, depth);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.append(first ? "" : ",");
            newline(out, depth + 1);
            string(out, String.valueOf(e.getKey()));
            out.append(": ");
            write(out, e.getValue(), depth + 1);
            first = false;
        }
        newline(out, depth);
        out.append('}');
    }

    private static void array(StringBuilder out, Collection<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            out.append(first ? "" : ",");
            newline(out, depth + 1);
            write(out, item, depth + 1);
            first = false;
        }
        newline(out, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    /** A JSON string literal. */
    static void string(StringBuilder out, CharSequence text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1));
                    if (pairedHigh) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
