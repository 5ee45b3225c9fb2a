package dev.acmefilter.alert;

import dev.acmefilter.status.Health;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The alert state machine of one certificate, without clocks or I/O: given the conditions
 * already announced and the {@link Health} now, which alerts to send. Each condition is
 * announced once when it starts ({@code failing}, {@code expiring}); {@code recovered} once
 * when none is left. A check that changes nothing sends nothing, however often it runs.
 * When one of two announced conditions ends and the other stays, nothing is sent: that is
 * no recovery yet, and the ended one is announced again if it comes back.
 */
final class AlertRule {

    /** A condition that is announced when it starts. */
    enum Condition {
        FAILING(AlertEvent.FAILING), EXPIRING(AlertEvent.EXPIRING);

        final AlertEvent event;

        Condition(AlertEvent event) {
            this.event = event;
        }
    }

    /**
     * @param events   the alerts to send, in order
     * @param alerted  the conditions announced afterwards (to persist)
     */
    record Step(List<AlertEvent> events, Set<Condition> alerted) {
        boolean changed(Set<Condition> before) {
            return !alerted.equals(before);
        }
    }

    private AlertRule() {
    }

    static Step next(Set<Condition> alerted, Health health) {
        Set<Condition> now = EnumSet.noneOf(Condition.class);
        if (health.failing()) {
            now.add(Condition.FAILING);
        }
        if (health.expiring()) {
            now.add(Condition.EXPIRING);
        }
        List<AlertEvent> events = new ArrayList<>();
        if (now.isEmpty()) {
            if (!alerted.isEmpty()) {
                events.add(AlertEvent.RECOVERED);
            }
            return new Step(events, EnumSet.noneOf(Condition.class));
        }
        for (Condition c : now) {
            if (!alerted.contains(c)) {
                events.add(c.event);
            }
        }
        return new Step(events, now);
    }

    /** The persisted form: {@code failing,expiring}; null for none. */
    static String format(Set<Condition> conditions) {
        return conditions.isEmpty() ? null : conditions.stream().map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(","));
    }

    /** Reads {@link #format}; unknown words (from a newer version) are ignored. */
    static Set<Condition> parse(String text) {
        Set<Condition> conditions = EnumSet.noneOf(Condition.class);
        if (text != null) {
            for (String word : text.split(",")) {
                for (Condition c : Condition.values()) {
                    if (c.name().equalsIgnoreCase(word.trim())) {
                        conditions.add(c);
                    }
                }
            }
        }
        return conditions;
    }
}
