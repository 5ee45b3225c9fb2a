package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TsigKeyTest {

    private static final String SECRET = "R/LlO5NANpPWeialjxIGaEEoNNsSEQNInIg87Uaycp4=";

    @Test
    void theNameIsAbsoluteAndTheSecretNeverShows() {
        TsigKey key = TsigKey.of("acme-update", TsigAlgorithm.HMAC_SHA512, SECRET);

        assertThat(key.name()).isEqualTo("acme-update.");
        assertThat(key.algorithm()).isEqualTo(TsigAlgorithm.HMAC_SHA512);
        assertThat(key).hasToString("TsigKey[acme-update. hmac-sha512, secret hidden]");
        assertThat(key).isEqualTo(TsigKey.of("acme-update.", TsigAlgorithm.HMAC_SHA512, SECRET))
                .isNotEqualTo(TsigKey.of("acme-update.", TsigAlgorithm.HMAC_SHA256, SECRET));
    }

    @Test
    void aSecretWithoutPaddingIsRead() {
        assertThat(TsigKey.of("k", TsigAlgorithm.DEFAULT, SECRET.replace("=", "")))
                .isEqualTo(TsigKey.of("k", TsigAlgorithm.DEFAULT, SECRET));
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutQuotingIt() {
        String notBase64 = "my-pass_word!";
        assertThatThrownBy(() -> TsigKey.of("acme-update", TsigAlgorithm.DEFAULT, notBase64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the secret of the TSIG key acme-update. is not base64 (as tsig-keygen prints it)")
                .hasNoCause();
        assertThatThrownBy(() -> TsigKey.of("acme-update", TsigAlgorithm.DEFAULT, "  "))
                .hasMessage("the secret of the TSIG key acme-update. is empty");
    }

    @Test
    void aNameThatIsNotADomainNameIsRefused() {
        assertThatThrownBy(() -> TsigKey.of("two words..", TsigAlgorithm.DEFAULT, SECRET))
                .hasMessageStartingWith("the TSIG key name 'two words..' is not a domain name");
    }

    @Test
    void algorithmsGoByTheNamesOfTsigKeygen() {
        assertThat(TsigAlgorithm.fromName("HMAC-SHA384")).contains(TsigAlgorithm.HMAC_SHA384);
        assertThat(TsigAlgorithm.fromName("hmac-md5")).isEmpty();
        assertThat(TsigAlgorithm.DEFAULT).isEqualTo(TsigAlgorithm.HMAC_SHA256);
        assertThat(TsigAlgorithm.names()).isEqualTo("hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1");
    }
}
