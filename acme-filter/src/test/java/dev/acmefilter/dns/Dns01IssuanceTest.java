package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AcmeJsonResource;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.Pebble;

/**
 * A certificate for {@code example.test} and {@code *.example.test} from a real Pebble whose
 * VA asks a real BIND, answered by {@link DnsSolver} through RFC 2136, with acme4j used
 * directly as the provisioner will (phase 2). Nothing listens for http-01.
 */
class Dns01IssuanceTest {

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final ClassFixture<BindServer> BIND = ClassFixture.of(() -> BindServer.builder().queryLog(true).start());
    /** Its VA asks {@link #BIND}; closed before it (extensions close in reverse order). */
    @RegisterExtension
    @org.junit.jupiter.api.Order(2)
    static final ClassFixture<Pebble> PEBBLE = ClassFixture.of(() -> Pebble.builder()
            .dnsServer(BIND.get().primaryAddress()).start());

    @TempDir
    Path state;

    private static Session session() {
        return new Session(PEBBLE.get().directoryUrl(), new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings settings) {
                return HttpClient.newBuilder().connectTimeout(settings.getTimeout()).sslContext(PEBBLE.get().sslContext())
                        .build();
            }
        });
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Status await(AcmeJsonResource resource,
                                Supplier<Status> status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            resource.fetch();
            Status now = status.get();
            if ((now != Status.PENDING && now != Status.PROCESSING) || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aCertificateForANameAndItsWildcardIsIssuedWithDns01AndTheRecordsAreGoneAfterwards() throws Exception {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), PEBBLE.get().httpPort()).close())
                .as("nothing listens where Pebble would check http-01").isInstanceOf(ConnectException.class);
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get()), state);
        Account account = new AccountBuilder().agreeToTermsOfService().useKeyPair(ecKey()).create(session());
        Order order = account.newOrder().domains("example.test", "*.example.test").create();

        Map<Authorization, ChallengeRecord> records = new LinkedHashMap<>();
        for (Authorization auth : order.getAuthorizations()) {
            Dns01Challenge challenge = auth.findChallenge(Dns01Challenge.class).orElseThrow();
            String domain = (auth.isWildcard() ? "*." : "") + auth.getIdentifier().getDomain();
            records.put(auth, solver.add(domain, challenge.getDigest()));
        }
        assertThat(BIND.get().txt("_acme-challenge.example.test.")).hasSize(2)
                .containsExactlyInAnyOrderElementsOf(records.values().stream().map(ChallengeRecord::value).toList());
        solver.awaitPropagation(records.values());
        for (Authorization auth : records.keySet()) {
            auth.findChallenge(Dns01Challenge.class).orElseThrow().trigger();
        }
        for (Map.Entry<Authorization, ChallengeRecord> entry : records.entrySet()) {
            Authorization auth = entry.getKey();
            Status status = await(auth, auth::getStatus);
            solver.remove(entry.getValue());
            assertThat(status).as("%s: %s\n%s", auth.getIdentifier(), auth.findChallenge(Dns01Challenge.class)
                    .flatMap(c -> c.getError()), PEBBLE.get().log()).isEqualTo(Status.VALID);
        }
        assertThat(BIND.get().txt("_acme-challenge.example.test.")).isEmpty();
        assertThat(DnsFixtures.journal(state)).isEmpty();

        assertThat(await(order, order::getStatus)).isEqualTo(Status.READY);
        order.execute(ecKey());
        assertThat(await(order, order::getStatus)).as("order: %s", order.getError()).isEqualTo(Status.VALID);
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        List<String> names = new ArrayList<>();
        for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
            names.add((String) san.get(1));
        }
        assertThat(names).containsExactlyInAnyOrder("example.test", "*.example.test");
        // Pebble's VA asked BIND for the records (with recursion desired: "+"; our own checks ask without)
        assertThat(BIND.get().log()).contains("query: _acme-challenge.example.test IN TXT +");
    }
}
