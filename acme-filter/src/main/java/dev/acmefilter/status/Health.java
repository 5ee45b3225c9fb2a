package dev.acmefilter.status;

import java.util.List;

/**
 * The verdict of the {@link HealthRule} on one certificate.
 *
 * @param id       the certificate's id
 * @param failing  whether its checks failed too often in a row (an alert condition)
 * @param expiring whether it is inside the warning window before expiry, or expired (an alert condition)
 * @param problems what is wrong, in words; empty when healthy
 */
public record Health(String id, boolean failing, boolean expiring, List<String> problems) {

    public Health {
        problems = List.copyOf(problems);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }
}
