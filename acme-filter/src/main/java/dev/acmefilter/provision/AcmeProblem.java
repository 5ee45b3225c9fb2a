package dev.acmefilter.provision;

import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Problem;

import java.util.Objects;
import java.util.Optional;

/**
 * The problem an ACME server reported (RFC 8555, section 6.7), as a failure carries it to
 * the log line, the status and the admin command, without acme4j's types.
 *
 * @param type       such as {@code urn:ietf:params:acme:error:connection}
 * @param detail     the CA's words
 * @param identifier the name it concerns, when the CA said (or when the failure concerns one name)
 */
public record AcmeProblem(String type, Optional<String> detail, Optional<String> identifier) {

    public AcmeProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(identifier, "identifier");
    }

    /**
     * {@code problem} as the CA sent it (its title stands in for a missing detail);
     * {@code name} (may be null) stands in for the identifier when the CA named none.
     */
    static AcmeProblem of(Problem problem, String name) {
        return new AcmeProblem(problem.getType().toString(), problem.getDetail().or(problem::getTitle),
                problem.getIdentifier().map(Identifier::getValue).or(() -> Optional.ofNullable(name)));
    }
}
