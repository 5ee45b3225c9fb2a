package dev.acmefilter.output;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the PEM reader: whatever a certificate or key file holds, reading it gives
 * certificates or a key, or fails with an {@link IOException}; never another exception, never
 * a hang. The files are outside input: left by an earlier tool, edited by hand, truncated by a
 * full disk.
 */
class PemFuzzTest {

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
            // refused with a message: fine
        }
        try {
            Pem.parsePrivateKey(new StringReader(text));
        } catch (IOException e) {
            // refused with a message: fine
        }
        budget.check("reading " + input.length + " bytes of PEM");
    }
}
