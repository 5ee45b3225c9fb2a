package dev.acmefilter.output;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the PEM reader: whatever a certificate or key file holds, reading it gives
 * certificates or a key, or fails with an {@link IOException}; never another exception, never
 * a hang. The files are outside input: left by an earlier tool, edited by hand, truncated by a
 * full disk. The refusal never quotes a run of 16 or more base64 characters of the file (key
 * material: a certificate file may hold the key too) and carries no cause that a log would print.
 */
class PemFuzzTest {

    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=]{16,}");

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----",
            "-----END PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----END EC PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "-----BEGIN EC PARAMETERS-----",
            "-----END EC PARAMETERS-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
            "MII", "MHc", "BggqhkjOPQMBBw"})
    void readsOrRefusesWithAnIOException(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        FuzzBudget budget = FuzzBudget.start();
        try {
            Pem.parseCertificates(new StringReader(text));
        } catch (IOException e) {
            quotesNothingOf(text, e);
        }
        try {
            Pem.parsePrivateKey(new StringReader(text));
        } catch (IOException e) {
            quotesNothingOf(text, e);
        }
        budget.check("reading " + input.length + " bytes of PEM");
    }

    private static void quotesNothingOf(String text, IOException refusal) {
        assertThat(refusal.getMessage()).as("a refusal's message").isNotBlank();
        Matcher run = BASE64_RUN.matcher(text);
        while (run.find()) {
            assertThat(refusal.getMessage()).as("the file's base64 is never quoted").doesNotContain(run.group());
        }
        assertThat(refusal.getCause()).as("the cause of: " + refusal.getMessage()).isNull();
    }
}
