package dev.acmefilter.cluster;

import dev.acmefilter.testing.ChallengeJetty;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseChallengeStoreTest extends ClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aTokenPutByOneNodeReachesAnotherByNotificationAndIsAnsweredFromMemoryWhileTheDatabaseIsDown()
            throws Exception {
        Cluster a = node("a");
        Cluster b = listeningNode("b");
        String token = token();

        putAndWaitUntilHeard(a, b, token);
        postgres().stop();

        assertThat(b.challenges().find(token)).contains(token + ".thumb");
        assertThat(b.challenges().readThroughs()).as("no query: the notification carried it").isZero();
        assertThat(a.challenges().find(token)).contains(token + ".thumb");
        assertThat(b.challenges().find(token())).as("an unknown token while the database is down").isEmpty();
        assertThat(b.challenges().readThroughs()).as("nothing queried while unreachable").isZero();
    }

    @Test
    void theFilterOfANodeThatDidNotPlaceTheOrderAnswersTheChallenge() throws Exception {
        Cluster a = node("a");
        Cluster b = listeningNode("b");
        String token = token();
        Server jetty = ChallengeJetty.start(b.challenges(), 0);
        try {
            int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
            a.challenges().put(token, token + ".thumb");

            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/.well-known/acme-challenge/" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(token + ".thumb");
        } finally {
            jetty.stop();
        }
    }

    @Test
    void aTokenNotHeardOfIsReadThroughFromTheDatabaseOnce() {
        Cluster a = node("a");
        DatabaseChallengeStore b = new DatabaseChallengeStore(database("b"), clock); // listens to nothing
        String token = token();
        a.challenges().put(token, token + ".thumb");

        assertThat(b.find(token)).contains(token + ".thumb");
        assertThat(b.find(token)).contains(token + ".thumb");
        assertThat(b.readThroughs()).as("the second answer came from memory").isEqualTo(1);
    }

    @Test
    void theCasRequestsFromSeveralPlacesAtOnceBeforeTheNotificationAreAllAnsweredWithOneQuery() throws Exception {
        Cluster a = node("a");
        DatabaseChallengeStore b = new DatabaseChallengeStore(database("b"), clock); // listens to nothing
        String token = token();
        a.challenges().put(token, token + ".thumb");
        int requests = 3 * MissLimiter.CONCURRENT + 1; // more than may query at once, as a multi-perspective CA sends
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(requests);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<java.util.Optional<String>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return b.find(token);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<java.util.Optional<String>> answer : answers) {
                assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains(token + ".thumb");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.readThroughs()).as("the others waited for the first one's query").isEqualTo(1);
    }

    @Test
    void aFloodOfUnknownTokensCostsABoundedNumberOfQueriesAndMalformedOnesNone() {
        node("a");
        DatabaseChallengeStore b = new DatabaseChallengeStore(database("b"), clock);

        for (String bad : new String[] {"../../etc/passwd", "a b", "x".repeat(129), "", "tok%2e", "ä"}) {
            assertThat(b.find(bad)).isEmpty();
        }
        assertThat(b.readThroughs()).as("malformed tokens are never queried").isZero();

        String same = token();
        for (int i = 0; i < 50; i++) {
            assertThat(b.find(same)).isEmpty();
        }
        assertThat(b.readThroughs()).as("one unknown token asked 50 times: one query").isEqualTo(1);

        for (int i = 0; i < 1000; i++) {
            assertThat(b.find(token())).isEmpty();
        }
        assertThat(b.readThroughs()).as("1000 random tokens at once: the burst").isEqualTo(MissLimiter.BURST);

        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 1000; i++) {
            b.find(token());
        }
        assertThat(b.readThroughs()).as("one second later: the refill")
                .isEqualTo(MissLimiter.BURST + MissLimiter.PER_SECOND);
    }

    @Test
    void aTokenPutJustAfterAMissIsAnsweredAtOnce() throws Exception {
        Cluster a = node("a");
        Cluster b = listeningNode("b");
        String token = token();
        assertThat(b.challenges().find(token)).isEmpty(); // remembered as unknown for a few seconds

        a.challenges().put(token, token + ".thumb");

        eventually("b answers", WAIT, () -> b.challenges().find(token).isPresent());
    }

    @Test
    void aRemovedTokenIsForgottenByEveryNodeAndLeavesTheDatabase() throws Exception {
        Cluster a = node("a");
        Cluster b = listeningNode("b");
        String token = token();
        putAndWaitUntilHeard(a, b, token);

        a.challenges().remove(token);

        eventually("b forgot the token", WAIT, () -> b.challenges().knownTokens() == 0);
        assertThat(b.challenges().find(token)).isEmpty();
        assertThat(rows("challenges")).isZero();
    }

    @Test
    void tokensOlderThanAnHourAreSweptFromTheDatabaseAndFromMemory() throws Exception {
        Cluster a = node("a");
        String old = token();
        String recent = token();
        a.challenges().put(old, old + ".thumb");
        clock.advance(Duration.ofMinutes(61));
        a.challenges().put(recent, recent + ".thumb");

        assertThat(a.challenges().sweep()).isEqualTo(1);

        assertThat(a.challenges().find(old)).isEmpty();
        assertThat(a.challenges().find(recent)).contains(recent + ".thumb");
        DatabaseChallengeStore c = new DatabaseChallengeStore(database("c"), clock);
        assertThat(c.find(old)).isEmpty();
        assertThat(c.find(recent)).contains(recent + ".thumb");
        assertThat(rows("challenges")).isEqualTo(1);
    }

    @Test
    void aPutThatCannotReachTheDatabaseFailsAndPublishesNothing() {
        Cluster a = node("a");
        String token = token();
        postgres().stop();

        assertThatThrownBy(() -> a.challenges().put(token, token + ".thumb"))
                .isInstanceOf(ClusterUnavailableException.class).hasMessageContaining("unreachable");
        assertThat(a.challenges().find(token)).isEmpty();
        a.challenges().remove(token); // never throws: the provisioner calls it on its way out
    }

    @Test
    void badTokensAndKeyAuthorizationsAreRefusedBeforeAnyQuery() {
        Cluster a = node("a");
        assertThatThrownBy(() -> a.challenges().put("../x", "../x.thumb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an ACME token");
        String token = token();
        assertThatThrownBy(() -> a.challenges().put(token, "other.thumb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a key authorization");
        assertThatThrownBy(() -> a.challenges().put(token, token + ".thumb with space"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(rows("challenges")).isZero();
    }

    @Test
    void theListenerResumesAfterTheDatabaseRestartsAndTheStatusShowedTheOutage() throws Exception {
        Cluster a = node("a");
        Cluster b = listeningNode("b");
        assertThat(b.database().reachable()).isTrue();

        postgres().stop();
        eventually("b notices the outage", WAIT, () -> !b.database().reachable());
        assertThat(b.database().unreachableSince()).contains(clock.instant());
        assertThat(b.database().problem()).get().asString().isNotBlank();
        postgres().startAgain();

        eventually("b listens again", Duration.ofSeconds(20), () -> b.listener().connections() == 2
                && b.listener().listening());
        assertThat(b.database().reachable()).isTrue();
        String token = token();
        putAndWaitUntilHeard(a, b, token); // a's pooled connection died: put reconnects
        assertThat(b.challenges().find(token)).contains(token + ".thumb");
        assertThat(b.challenges().readThroughs()).isZero();
    }

    @Test
    void aResyncLearnsWhatWasMissedAndForgetsWhatWasRemoved() {
        Cluster a = node("a");
        DatabaseChallengeStore b = new DatabaseChallengeStore(database("b"), clock); // hears nothing
        String token = token();
        a.challenges().put(token, token + ".thumb");

        b.resync();
        assertThat(b.knownTokens()).isEqualTo(1);
        assertThat(b.find(token)).contains(token + ".thumb");
        assertThat(b.readThroughs()).isZero();

        a.challenges().remove(token);
        b.resync();
        assertThat(b.knownTokens()).isZero();
    }

    @Test
    void hostileNotificationsAreIgnored() {
        DatabaseChallengeStore b = new DatabaseChallengeStore(database("b"), clock);
        String token = token();
        for (String payload : new String[] {"", "+", "+ ", "+ " + token, "+ ../x ../x.t", "+ " + token + " other.t",
                "* " + token + " " + token + ".t", "- ../x", null}) {
            b.onNotification(payload);
        }
        assertThat(b.knownTokens()).isZero();
        b.onNotification("+ " + token + " " + token + ".t");
        assertThat(b.knownTokens()).isEqualTo(1);
        String late = token();
        for (String payload : new String[] {"+ " + late + " " + late + ".t " + clock.instant().minus(Duration.ofMinutes(61))
                .toEpochMilli(), "+ " + late + " " + late + ".t -5", "+ " + late + " " + late + ".t 1e9"}) {
            b.onNotification(payload);
        }
        assertThat(b.find(late)).as("a notification older than an hour, or with a bad time").isEmpty();
        b.onNotification("+ " + late + " " + late + ".t " + clock.instant().toEpochMilli());
        assertThat(b.knownTokens()).isEqualTo(2);
    }

    /** A started node that listens for the notifications of the others. */
    private Cluster listeningNode(String name) throws InterruptedException {
        Cluster node = node(name);
        eventually(name + " listens", WAIT, () -> node.listener().listening());
        return node;
    }

    /** {@code from} publishes {@code token}; waits until {@code listener}, which knew no token, has heard of it. */
    private static void putAndWaitUntilHeard(Cluster from, Cluster listener, String token)
            throws InterruptedException {
        from.challenges().put(token, token + ".thumb");
        eventually("the listener heard of the token", WAIT, () -> listener.challenges().knownTokens() == 1);
    }

    private static String token() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
