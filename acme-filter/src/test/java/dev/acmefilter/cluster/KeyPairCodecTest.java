package dev.acmefilter.cluster;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyPairCodecTest {

    @Test
    void ecAndRsaPairsComeBackWhole() {
        for (KeyPair pair : new KeyPair[] {TestCerts.ecKey(), TestCerts.rsaKey()}) {
            KeyPair back = KeyPairCodec.decode(KeyPairCodec.encode(pair));
            assertThat(back.getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            assertThat(back.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
            assertThat(back.getPrivate().getAlgorithm()).isEqualTo(pair.getPrivate().getAlgorithm());
        }
    }

    @Test
    void truncatedOrForeignBytesAreRefusedWithoutEchoingThem() {
        byte[] encoded = KeyPairCodec.encode(TestCerts.ecKey());
        assertThatThrownBy(() -> KeyPairCodec.decode(java.util.Arrays.copyOf(encoded, encoded.length - 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a readable key pair");
        assertThatThrownBy(() -> KeyPairCodec.decode(new byte[] {9, 9, 9}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyPairCodec.decode(new byte[] {1, 0, 2, 'E', 'C', 0x7f, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
