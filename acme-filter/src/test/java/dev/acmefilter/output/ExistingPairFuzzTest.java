package dev.acmefilter.output;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the decision about the files already on disk: whatever the certificate and key files
 * hold, {@link ExistingPair#decide} returns a decision with a reason (an unreadable file is an
 * ERROR that leaves it alone), never throws, never hangs, and never quotes the key file.
 */
class ExistingPairFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{16,}");
    static final byte[] SEPARATOR = "--key-file--".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"--key-file--", "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----",
            "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----",
            "-----END EC PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"})
    void decidesWithoutThrowingOrQuotingTheKey(byte[] input) throws Exception {
        Path certificate = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        // the input is "<certificate file>" SEPARATOR "<key file>"; without the separator, no key file
        int split = indexOf(input, SEPARATOR);
        byte[] certificateBytes = split < 0 ? input : Arrays.copyOfRange(input, 0, split);
        byte[] keyBytes = split < 0 ? new byte[0] : Arrays.copyOfRange(input, split + SEPARATOR.length, input.length);
        Files.deleteIfExists(certificate);
        Files.deleteIfExists(key);
        if (certificateBytes.length > 0) {
            Files.write(certificate, certificateBytes);
        }
        if (keyBytes.length > 0) {
            Files.write(key, keyBytes);
        }
        FuzzBudget budget = FuzzBudget.start();

        PairDecision decision = ExistingPair.decide(certificate, key, List.of("matrix.example.org"), CLOCK);

        budget.check("deciding on " + certificateBytes.length + " + " + keyBytes.length + " bytes");
        assertThat(decision).isNotNull();
        assertThat(decision.reason()).isNotBlank();
        Matcher secret = BASE64_RUN.matcher(new String(keyBytes, StandardCharsets.ISO_8859_1));
        while (secret.find()) {
            assertThat(decision.reason()).as("the key file's content is never quoted").doesNotContain(secret.group());
        }
    }

    private static int indexOf(byte[] input, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= input.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (input[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
