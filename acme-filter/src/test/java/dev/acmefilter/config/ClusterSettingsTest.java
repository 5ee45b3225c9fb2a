package dev.acmefilter.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {

    private final byte[] secret = SecretFileTest.randomSecret();

    private ClusterSettings.Builder valid() {
        return ClusterSettings.builder().url("jdbc:postgresql://db.example.org:5432/synapse").user("synapse")
                .password("hunter2").node("fe1").secret(secret);
    }

    @Test
    void theDefaultsAreThoseOfTheIssue() {
        ClusterSettings s = valid().build();
        assertThat(s.schema()).isEqualTo("acme");
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.standaloneAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(s.secret()).isEqualTo(secret);
        assertThat(ClusterSettings.builder().url("jdbc:postgresql:synapse").user("u").secret(secret).build().node())
                .as("the host name").isNotBlank();
    }

    @Test
    void toStringShowsNeitherThePasswordNorTheSecret() {
        ClusterSettings s = valid().url("jdbc:postgresql://db/synapse?sslmode=verify-full&password=inurl").build();
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("inurl")
                .doesNotContain(java.util.HexFormat.of().formatHex(secret)).contains("fe1").contains("sslmode=verify-full");
    }

    @Test
    void theSecretCannotBeChangedFromOutside() {
        byte[] mine = secret.clone();
        ClusterSettings s = valid().secret(mine).build();
        mine[0] ^= 1;
        s.secret()[1] ^= 1;
        assertThat(s.secret()).isEqualTo(secret);
        assertThat(s).isEqualTo(valid().build());
    }

    @Test
    void everyWrongValueNamesItsKey() {
        assertThatThrownBy(() -> valid().url("jdbc:mysql://db/x").build())
                .hasMessageStartingWith("acme.cluster.database.url: 'jdbc:mysql://db/x' is not a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> valid().user(" ").build()).hasMessageStartingWith("acme.cluster.database.user");
        assertThatThrownBy(() -> valid().schema("Acme; DROP").build())
                .hasMessageStartingWith("acme.cluster.schema: 'Acme; DROP' is not a plain SQL name");
        assertThatThrownBy(() -> valid().schema("pg_catalog").build()).hasMessageStartingWith("acme.cluster.schema");
        assertThatThrownBy(() -> valid().schema("a".repeat(41)).build()).hasMessageStartingWith("acme.cluster.schema");
        assertThatThrownBy(() -> valid().node("fe 1").build()).hasMessageStartingWith("acme.cluster.node: 'fe 1'");
        assertThatThrownBy(() -> valid().secret(new byte[31]).build())
                .hasMessageStartingWith("acme.cluster.secret_file: the cluster secret must be exactly 32 bytes");
        assertThatThrownBy(() -> valid().lease(Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("acme.cluster.lease: 1 s is out of range; expected 3 to 600 seconds");
        assertThatThrownBy(() -> valid().standaloneAfter(Duration.ofSeconds(10)).build())
                .hasMessageStartingWith("acme.cluster.standalone_after: PT10S is shorter than the lease (30 s)");
    }
}
