package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.Rfc2136Settings;
import dev.acmefilter.config.TsigKey;
import dev.acmefilter.config.TsigAlgorithm;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Section;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.ClassFixture;

/** {@link Rfc2136Solver} against a real BIND: updates, TSIG, and every refusal in our words. */
class Rfc2136SolverTest {

    @RegisterExtension
    static final ClassFixture<BindServer> BIND = DnsFixtures.bindWithAdminsOwnRecord("two");

    @TempDir
    Path state;

    @Test
    void aRecordAddedIsAnsweredByTheServerUntilItIsRemoved() throws Exception {
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get()), state);
        String value = DnsFixtures.digest();

        ChallengeRecord record = solver.add("one.example.test", value);
        assertThat(record.name()).isEqualTo("_acme-challenge.one.example.test.");
        assertThat(BIND.get().txt("_acme-challenge.one.example.test.")).containsExactly(value);
        assertThat(DnsFixtures.journal(state)).extracting(DnsJournal.Entry::value).containsExactly(value);
        solver.awaitPropagation(List.of(record));

        solver.remove(record);
        assertThat(BIND.get().txt("_acme-challenge.one.example.test.")).isEmpty();
        assertThat(DnsFixtures.journal(state)).isEmpty();
        assertThat(BIND.get().log()).contains("adding an RR at '_acme-challenge.one.example.test' TXT");
    }

    @Test
    void theNameAndItsWildcardGetTwoValuesAtOneNameAndOnlyOursAreRemoved() throws Exception {
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get()), state);
        String base = DnsFixtures.digest();
        String wildcard = DnsFixtures.digest();

        ChallengeRecord a = solver.add("two.example.test", base);
        ChallengeRecord b = solver.add("*.two.example.test", wildcard);
        assertThat(b.name()).isEqualTo(a.name()).isEqualTo("_acme-challenge.two.example.test.");
        assertThat(BIND.get().txt(a.name())).containsExactlyInAnyOrder("admins-own-value", base, wildcard);
        solver.awaitPropagation(List.of(a, b));

        solver.remove(a);
        assertThat(BIND.get().txt(a.name())).containsExactlyInAnyOrder("admins-own-value", wildcard);
        solver.remove(b);
        assertThat(BIND.get().txt(a.name())).containsExactly("admins-own-value");
    }

    @Test
    void theConfiguredZoneIsUsedWithoutAskingForTheSoa() throws Exception {
        DnsSettings settings = DnsSettings.rfc2136(new Rfc2136Settings(DnsServer.parse(BIND.get().primaryAddress(), 53),
                DnsFixtures.key(BIND.get()), Optional.of("example.test")));
        DnsSolver solver = DnsFixtures.solver(BIND.get(), settings, state);

        ChallengeRecord record = solver.add("deep.sub.example.test", DnsFixtures.digest());
        assertThat(BIND.get().txt("_acme-challenge.deep.sub.example.test.")).containsExactly(record.value());
        solver.remove(record);
        assertThat(BIND.get().txt("_acme-challenge.deep.sub.example.test.")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmac-sha384", "hmac-sha512", "hmac-sha1"})
    void updatesAreSignedWithEveryAlgorithmOnOffer(String algorithm) throws Exception {
        try (BindServer other = BindServer.builder().tsigAlgorithm(algorithm).start()) {
            DnsSolver solver = DnsFixtures.solver(other, DnsFixtures.rfc2136(other), state);
            ChallengeRecord record = solver.add("alg.example.test", DnsFixtures.digest());
            assertThat(other.txt(record.name())).containsExactly(record.value());
            solver.remove(record);
            assertThat(other.txt(record.name())).isEmpty();
        }
    }

    @Test
    void aWrongSecretIsABadSignatureAndNothingIsLeft() throws Exception {
        TsigKey wrong = TsigKey.of(BindServer.KEY_NAME, TsigAlgorithm.HMAC_SHA256, DnsFixtures.otherSecret());
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get(), wrong), state);

        assertThatThrownBy(() -> solver.add("wrong.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DnsException.Kind.BAD_SIGNATURE);
                    assertThat(e.server()).hasValue(BIND.get().primaryAddress());
                })
                .hasMessage(BIND.get().primaryAddress() + " rejected the signature of the TSIG key acme-update. (NOTAUTH,"
                        + " TSIG error BADSIG) when adding the TXT record _acme-challenge.wrong.example.test. in the"
                        + " zone example.test.: the secret is not the server's");
        assertThat(BIND.get().txt("_acme-challenge.wrong.example.test.")).isEmpty();
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void anUnknownKeyIsABadKeyAndNothingIsLeft() throws Exception {
        TsigKey unknown = TsigKey.of("nobody", TsigAlgorithm.HMAC_SHA256, BIND.get().keySecret());
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get(), unknown), state);

        assertThatThrownBy(() -> solver.add("unknown.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.UNKNOWN_KEY))
                .hasMessageStartingWith(BIND.get().primaryAddress() + " does not know the TSIG key nobody. with algorithm"
                        + " hmac-sha256 (NOTAUTH, TSIG error BADKEY)");
        assertThat(BIND.get().txt("_acme-challenge.unknown.example.test.")).isEmpty();
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void theRightKeyWithTheWrongAlgorithmIsABadKey() throws Exception {
        TsigKey otherAlgorithm = TsigKey.of(BindServer.KEY_NAME, TsigAlgorithm.HMAC_SHA512, BIND.get().keySecret());
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get(), otherAlgorithm), state);

        assertThatThrownBy(() -> solver.add("algorithm.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.UNKNOWN_KEY))
                .hasMessageContaining("with algorithm hmac-sha512 (NOTAUTH, TSIG error BADKEY)");
        assertThat(BIND.get().txt("_acme-challenge.algorithm.example.test.")).isEmpty();
    }

    @Test
    void aZoneTheKeyMayNotUpdateIsRefused() throws Exception {
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get()), state);

        assertThatThrownBy(() -> solver.add("locked.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DnsException.Kind.REFUSED);
                    assertThat(e.kind().isConfigurationError()).isTrue();
                })
                .hasMessage(BIND.get().primaryAddress() + " refused adding the TXT record _acme-challenge.locked.test. in"
                        + " the zone locked.test. (REFUSED): the key acme-update. may not change TXT records at that"
                        + " name; expected a policy such as BIND's 'update-policy { grant acme-update. zonesub TXT; };'"
                        + " in the zone locked.test.");
        assertThat(BindServer.txt("_acme-challenge.locked.test.", BIND.get().primary())).isEmpty();
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void aNameInNoZoneOfTheServerHasNoZone() throws Exception {
        DnsSolver solver = DnsFixtures.solver(BIND.get(), DnsFixtures.rfc2136(BIND.get()), state);

        assertThatThrownBy(() -> solver.add("elsewhere.org", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.ZONE_NOT_FOUND))
                .hasMessage("cannot find the zone of _acme-challenge.elsewhere.org.: " + BIND.get().primaryAddress()
                        + " answered REFUSED; expected " + BIND.get().primaryAddress() + " to be the primary of the zone"
                        + " of elsewhere.org (or set the zone)");
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void aConfiguredZoneTheServerDoesNotServeIsNotAuthoritative() throws Exception {
        DnsSettings settings = DnsSettings.rfc2136(new Rfc2136Settings(DnsServer.parse(BIND.get().primaryAddress(), 53),
                DnsFixtures.key(BIND.get()), Optional.of("elsewhere.org.")));
        DnsSolver solver = DnsFixtures.solver(BIND.get(), settings, state);

        assertThatThrownBy(() -> solver.add("elsewhere.org", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.NOT_AUTHORITATIVE))
                .hasMessageStartingWith(BIND.get().primaryAddress() + " is not authoritative for the zone elsewhere.org."
                        + " (NOTAUTH)");
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void aServerThatIsNotListeningIsUnreachableAndTheRecordIsRemovedLater() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        DnsSettings settings = DnsSettings.rfc2136(new Rfc2136Settings(DnsServer.parse("127.0.0.1:" + closed, 53),
                DnsFixtures.key(BIND.get()), Optional.of("example.test")));
        DnsSolver solver = DnsFixtures.solver(BIND.get(), settings, state);

        assertThatThrownBy(() -> solver.add("unreachable.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DnsException.Kind.UNREACHABLE);
                    assertThat(e.server()).hasValue("127.0.0.1:" + closed);
                })
                .hasMessage("cannot reach 127.0.0.1:" + closed + " over TCP: connection refused");
        assertThat(BIND.get().txt("_acme-challenge.unreachable.example.test.")).isEmpty();
        // whether an unanswered update was applied is unknown: the journal hands it to the next sweep
        assertThat(new DnsJournal(state).leftovers()).extracting(DnsJournal.Entry::name)
                .containsExactly("_acme-challenge.unreachable.example.test.");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DnsSettings settings = DnsSettings.rfc2136(new Rfc2136Settings(
                    DnsServer.parse("127.0.0.1:" + silent.getLocalPort(), 53), DnsFixtures.key(BIND.get()),
                    Optional.of("example.test")));
            DnsSolver solver = new Rfc2136Solver(settings, new DnsJournal(state), BIND.get().port(),
                    Duration.ofMillis(700));

            long start = System.nanoTime();
            assertThatThrownBy(() -> solver.add("silent.example.test", DnsFixtures.digest()))
                    .isInstanceOfSatisfying(DnsException.class, e ->
                            assertThat(e.kind()).isEqualTo(DnsException.Kind.TIMEOUT))
                    .hasMessage("no answer from 127.0.0.1:" + silent.getLocalPort() + " over TCP within 700 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAnswerNotSignedWithOurKeyIsNotBelievedAndTheValueIsLeftForTheSweep() throws Exception {
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerUnsigned(impostor), "impostor");
            answering.setDaemon(true);
            answering.start();
            DnsSettings settings = DnsSettings.rfc2136(new Rfc2136Settings(
                    DnsServer.parse("127.0.0.1:" + impostor.getLocalPort(), 53), DnsFixtures.key(BIND.get()),
                    Optional.of("example.test")));
            DnsSolver solver = DnsFixtures.solver(BIND.get(), settings, state);
            String address = "127.0.0.1:" + impostor.getLocalPort();

            assertThatThrownBy(() -> solver.add("impostor.example.test", DnsFixtures.digest()))
                    .isInstanceOfSatisfying(DnsException.class, e ->
                            assertThat(e.kind()).isEqualTo(DnsException.Kind.UNVERIFIED_ANSWER))
                    .hasMessage("the answer of " + address + " when adding the TXT record"
                            + " _acme-challenge.impostor.example.test. in the zone example.test. is not signed with the"
                            + " TSIG key acme-update. (it is unsigned); it may not come from the server");
            assertThat(new DnsJournal(state).leftovers()).extracting(DnsJournal.Entry::name)
                    .containsExactly("_acme-challenge.impostor.example.test.");
        }
    }

    /** Answers one update over TCP with NOERROR, unsigned: what a spoofer without the key can do. */
    private static void answerUnsigned(ServerSocket server) {
        try (Socket socket = server.accept()) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] query = new byte[in.readUnsignedShort()];
            in.readFully(query);
            Message update = new Message(query);
            Message answer = new Message(update.getHeader().getID());
            answer.getHeader().setOpcode(Opcode.UPDATE);
            answer.getHeader().setFlag(Flags.QR);
            answer.addRecord(update.getQuestion(), Section.ZONE);
            byte[] wire = answer.toWire();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            socket.getInputStream().read(); // until the client closes
        } catch (IOException e) {
            // the test's assertions tell what went wrong
        }
    }

    @Test
    void theSecretNeverAppearsInTheSettingsText() {
        DnsSettings settings = DnsFixtures.rfc2136(BIND.get());
        assertThat(settings.toString()).contains("acme-update.").doesNotContain(BIND.get().keySecret());
        assertThat(DnsFixtures.solver(BIND.get(), settings, state).describe())
                .isEqualTo("RFC 2136 at " + BIND.get().primaryAddress() + " with TSIG key acme-update. (hmac-sha256)");
    }
}
