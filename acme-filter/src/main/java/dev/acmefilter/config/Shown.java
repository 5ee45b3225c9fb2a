package dev.acmefilter.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a value from the YAML appears in a message: strings quoted as the admin wrote them,
 * other scalars as they are, lists and mappings only by their kind (they may be long, or
 * hold a secret).
 */
final class Shown {

    private Shown() {
    }

    /** How a YAML value looks in a message: collections by kind, scalars by value. */
    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map || value instanceof List) {
            return describeType(value);
        }
        return show(value);
    }

    /** The kind of a YAML value, without the value: for secrets. */
    static String describeType(Object value) {
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value == null ? "nothing" : "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** A scalar as the admin wrote it: strings quoted. */
    static String show(Object value) {
        return value instanceof String s ? quote(s) : String.valueOf(value);
    }

    static String quote(String text) {
        return "'" + Objects.requireNonNull(text) + "'";
    }
}
