package dev.acmefilter.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result lines of one benchmark for bench/lib.sh: per series its key, then every value measured
 * so far, printed again after each round so that an interrupted run still leaves its figures.
 */
final class ResultLines {

    private final Map<String, List<String>> series = new LinkedHashMap<>();

    /** One empty series per key, printed in this order. */
    ResultLines(String... keys) {
        for (String key : keys) {
            series.put(key, new ArrayList<>());
        }
    }

    /** The values of the series {@code key}, to add to. */
    List<String> series(String key) {
        List<String> values = series.get(key);
        if (values == null) {
            throw new IllegalArgumentException("no series " + key);
        }
        return values;
    }

    /** Adds {@code value} to the series {@code key}. */
    void add(String key, String value) {
        series(key).add(value);
    }

    /** Prints a line per series, {@code KEY v1 v2 ...}, and flushes standard output. */
    void print() {
        series.forEach((key, values) -> System.out.println(key
                + values.stream().map(v -> " " + v).collect(Collectors.joining())));
        System.out.flush();
    }
}
