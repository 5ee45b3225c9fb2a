package dev.acmefilter.provision;

import dev.acmefilter.config.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyPairsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyType.class, names = {"EC256", "EC384", "RSA2048"}) // all five: ProvisionerTest
    void aCreatedKeyHasTheAlgorithmAndSizeOfItsTypeAndIsRecognisedAsIt(KeyType type) {
        KeyPair pair = KeyPairs.create(type);

        int size = pair.getPublic() instanceof RSAKey rsa ? rsa.getModulus().bitLength()
                : ((ECKey) pair.getPublic()).getParams().getCurve().getField().getFieldSize();
        assertThat(size).isEqualTo(type.size());
        assertThat(pair.getPublic().getAlgorithm()).startsWith(type.algorithm());
        assertThat(KeyPairs.typeOf(pair.getPublic())).contains(type);
        assertThat(KeyPairs.describe(pair.getPublic())).isEqualTo(type.configName());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyType.class, names = {"EC256", "EC384", "RSA2048"})
    void thePublicKeyIsRebuiltFromThePrivateKeyAlone(KeyType type) throws Exception {
        KeyPair pair = KeyPairs.create(type);

        KeyPair rebuilt = KeyPairs.withPublicKey(pair.getPrivate());

        assertThat(rebuilt.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(rebuilt.getPrivate()).isSameAs(pair.getPrivate());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KeyType.class, names = {"EC256", "EC384", "RSA2048"})
    void thePemHoldsBothHalvesAndAcme4jReadsItBackAsTheSamePair(KeyType type) throws Exception {
        KeyPair pair = KeyPairs.create(type);

        String pem = new String(KeyPairs.pem(pair), StandardCharsets.US_ASCII);
        KeyPair read = KeyPairUtils.readKeyPair(new StringReader(pem));

        assertThat(pem).startsWith(type.algorithm().equals("EC") ? "-----BEGIN EC PRIVATE KEY-----"
                : "-----BEGIN RSA PRIVATE KEY-----");
        assertThat(read.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(KeyPairs.withPublicKey(read.getPrivate()).getPublic().getEncoded())
                .as("the private half is the same key").isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void keysOfOtherCurvesAndSizesAreNoConfiguredTypeAndAreDescribedPlainly() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair p521 = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair rsa1024 = rsa.generateKeyPair();

        assertThat(KeyPairs.typeOf(p521.getPublic())).isEmpty();
        assertThat(KeyPairs.describe(p521.getPublic()))
                .isEqualTo("an EC key on a 521-bit curve that is neither P-256 nor P-384");
        assertThat(KeyPairs.typeOf(rsa1024.getPublic())).isEmpty();
        assertThat(KeyPairs.describe(rsa1024.getPublic())).isEqualTo("an RSA key of 1024 bits");
    }

    @Test
    void aKeyOfAnotherAlgorithmCannotBeRebuilt() throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThatThrownBy(() -> KeyPairs.withPublicKey(ed.getPrivate()))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageStartingWith("it is a EdDSA key");
    }
}
