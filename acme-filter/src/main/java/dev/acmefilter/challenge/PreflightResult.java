package dev.acmefilter.challenge;

import java.util.Objects;
import java.util.Optional;

/**
 * The self-test of one name.
 *
 * @param name    the DNS name probed
 * @param problem empty when the probe came back through the public path; otherwise what is
 *                wrong and what to check, in the admin's words
 */
public record PreflightResult(String name, Optional<String> problem) {

    public PreflightResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(problem, "problem");
    }

    public static PreflightResult ok(String name) {
        return new PreflightResult(name, Optional.empty());
    }

    public static PreflightResult problem(String name, String problem) {
        return new PreflightResult(name, Optional.of(problem));
    }

    public boolean ok() {
        return problem.isEmpty();
    }
}
