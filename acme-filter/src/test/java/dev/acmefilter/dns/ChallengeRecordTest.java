package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChallengeRecordTest {

    private static final String DIGEST = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

    @Test
    void aNameAndItsWildcardShareTheOwnerName() {
        ChallengeRecord base = ChallengeRecord.of("Example.ORG", DIGEST);
        ChallengeRecord wildcard = ChallengeRecord.of("*.example.org", DIGEST);

        assertThat(base.name()).isEqualTo("_acme-challenge.example.org.").isEqualTo(wildcard.name());
        assertThat(base.domain()).isEqualTo("Example.ORG");
        assertThat(wildcard.domain()).isEqualTo("*.example.org");
        assertThat(base.ownerName().toString()).isEqualTo(base.name());
    }

    @Test
    void onlyHostNamesAndDigestsAreAccepted() {
        assertThatThrownBy(() -> ChallengeRecord.of("exa mple.org", DIGEST))
                .hasMessage("'exa mple.org' is not a domain name");
        assertThatThrownBy(() -> ChallengeRecord.of("*.*.example.org", DIGEST))
                .hasMessage("'*.example.org' is not a domain name");
        assertThatThrownBy(() -> ChallengeRecord.of("-x.example.org", DIGEST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChallengeRecord.of("a".repeat(64) + ".org", DIGEST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChallengeRecord.of("example.org", "\"; rm -rf /"))
                .hasMessage("not a dns-01 TXT value (base64url, 1 to 255 characters): '\"; rm -rf /'");
        assertThatThrownBy(() -> ChallengeRecord.of("example.org", "line\nbreak"))
                .hasMessage("not a dns-01 TXT value (base64url, 1 to 255 characters): 'line?break'");
    }
}
