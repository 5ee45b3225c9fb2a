package dev.acmefilter.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The signals {@code acme.reload.signal} may name. A fixed list rather than any name
 * {@code kill} knows: these are the ones servers use to reload or restart ({@code HUP}
 * for Synapse and most daemons, {@code USR1}/{@code USR2}/{@code WINCH} for some), and a
 * typo such as {@code KILL} or {@code STOP} must not reach a homeserver.
 */
public enum ReloadSignal {
    HUP, USR1, USR2, INT, TERM, QUIT, WINCH;

    /** The name as {@code kill -s} takes it: {@code HUP}. */
    public String killName() {
        return name();
    }

    /** {@code HUP}, {@code hup} or {@code SIGHUP}; empty for anything else. */
    public static Optional<ReloadSignal> fromConfigName(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String bare = upper.startsWith("SIG") ? upper.substring(3) : upper;
        return Arrays.stream(values()).filter(s -> s.name().equals(bare)).findFirst();
    }

    /** {@code HUP, USR1, ...} for messages. */
    public static String acceptedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
