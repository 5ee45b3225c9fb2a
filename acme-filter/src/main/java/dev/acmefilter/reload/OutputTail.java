package dev.acmefilter.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drains a child process's output and keeps only its last {@code limit} bytes, so that a
 * chatty or runaway hook can neither block on a full pipe nor fill the heap, while the
 * message still shows how it ended (where errors usually are).
 */
final class OutputTail {

    private final byte[] ring;
    private long total;

    OutputTail(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.ring = new byte[limit];
    }

    /** Reads {@code in} to its end (or until it fails, as when the process is killed). */
    void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // the stream was closed under us: keep what arrived
        }
    }

    synchronized void append(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (total++ % ring.length)] = bytes[i];
        }
    }

    /**
     * The kept output on one line: line breaks become {@code " | "}, other control
     * characters spaces, surrounding blanks are trimmed; {@code "... "} marks a cut start.
     */
    synchronized String text() {
        int kept = (int) Math.min(total, ring.length);
        byte[] last = new byte[kept];
        for (int i = 0; i < kept; i++) {
            last[i] = ring[(int) ((total - kept + i) % ring.length)];
        }
        List<String> lines = new ArrayList<>();
        String[] parts = new String(last, StandardCharsets.UTF_8).split("\r?\n");
        boolean cut = total > ring.length;
        // a cut output starts inside a line: drop that fragment unless it is all there is
        for (String part : cut && parts.length > 1 ? java.util.Arrays.copyOfRange(parts, 1, parts.length) : parts) {
            if (!part.isBlank()) {
                lines.add(part.strip().replaceAll("\\p{Cntrl}", " "));
            }
        }
        String joined = String.join(" | ", lines);
        return cut && !joined.isEmpty() ? "... " + joined : joined;
    }
}
