package dev.acmefilter.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterMembersTest extends ClusterTestBase {

    @Test
    void theMembersAreTheNodesSeenInTheLastMinute() {
        ClusterMembers a = new ClusterMembers(database("a"), "1.0");
        ClusterMembers b = new ClusterMembers(database("b"), "1.1");
        a.heartbeat();
        b.heartbeat();
        assertThat(a.recent()).extracting(ClusterMembers.Member::node).containsExactly("a", "b");
        assertThat(a.recent()).extracting(ClusterMembers.Member::version).containsExactly("1.0", "1.1");

        clock.advance(Duration.ofSeconds(45));
        a.heartbeat();
        clock.advance(Duration.ofSeconds(20)); // b silent for 65 s

        assertThat(b.recent()).extracting(ClusterMembers.Member::node).containsExactly("a");
        assertThat(b.recent().get(0).lastSeen()).isEqualTo(clock.instant().minusSeconds(20));
        assertThat(b.seenWithin(Duration.ofMinutes(5))).hasSize(2);
    }

    @Test
    void aStartedNodeAnnouncesItself() throws Exception {
        Cluster a = node("a");
        eventually("a is a member", Duration.ofSeconds(10), () -> a.members().recent().size() == 1);
        assertThat(a.members().recent().get(0).version()).isEqualTo("test");
    }
}
