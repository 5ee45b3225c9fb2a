package dev.acmefilter.challenge;

import java.util.List;
import java.util.Optional;

import dev.acmefilter.config.PreflightSettings;

/**
 * The self-test of all names before an order, and what it means for the order.
 *
 * @param mode    {@code acme.preflight.mode}
 * @param results one per name, in order (none when the mode is off)
 */
public record PreflightReport(PreflightSettings.Mode mode, List<PreflightResult> results) {

    public PreflightReport {
        results = List.copyOf(results);
    }

    public boolean allOk() {
        return results.stream().allMatch(PreflightResult::ok);
    }

    /** The problems, one message per failing name. */
    public List<String> problems() {
        return results.stream().map(PreflightResult::problem).flatMap(Optional::stream).toList();
    }

    /** True in strict mode with a failing name: then do not order (it would fail, and count against rate limits). */
    public boolean blocksOrder() {
        return mode == PreflightSettings.Mode.STRICT && !allOk();
    }

    /** All problems in one line, for an exception or a status page. */
    public String summary() {
        return allOk() ? "the challenge path of every name answers" : String.join("; ", problems());
    }
}
