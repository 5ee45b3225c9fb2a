package dev.acmefilter.cluster;

import dev.acmefilter.challenge.ChallengeStore;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The challenge store of a cluster: whichever node the CA's http-01 request reaches answers
 * the token, whichever node placed the order.
 *
 * <ul>
 * <li>{@link #put} commits the token to the database (and notifies every node in the same
 *     transaction) before it returns, so the challenge is only triggered once every node can
 *     answer it. A put that cannot reach the database throws: the order must not go on.</li>
 * <li>{@link #find} answers from this node's memory, which the {@link NotificationListener}
 *     keeps up to date; the filter's hot path is a map lookup. A token not (yet) heard of is
 *     read through from the database, within the {@link MissLimiter}'s bounds, and only when
 *     the token is well-formed. Requests for a token whose lookup is already running wait for
 *     its answer (up to {@link #LOOKUP_WAIT}) instead of querying again or answering "unknown":
 *     a CA validates from several places at once (Pebble three requests per challenge), and
 *     they all arrive in the few milliseconds before the notification. While the database is
 *     unreachable, the tokens already known keep being answered and nothing is queried.</li>
 * <li>{@link #remove} deletes the row and notifies; when the database is unreachable the
 *     token is forgotten here and the row is left to {@link #sweep}, which deletes every
 *     token older than {@link #MAX_AGE} (an authorization is long decided by then).</li>
 * </ul>
 *
 * <p>Key authorizations are public by design (the CA fetches them over plain HTTP), so they
 * travel in the notification's payload: the other nodes learn a token without a query.
 * Payloads are {@code + <token> <key authorization> <created, epoch ms>} and
 * {@code - <token>}, checked like any input from the network; a notification of a token
 * older than {@link #MAX_AGE} (one delivered after the sweep) is ignored.
 */
public final class DatabaseChallengeStore implements ChallengeStore, NotificationListener.Subscriber {

    private static final System.Logger LOG = System.getLogger(DatabaseChallengeStore.class.getName());

    /** Tokens older than this are swept from the database and from memory. */
    public static final Duration MAX_AGE = Duration.ofHours(1);
    static final String CHANNEL = "challenges";
    /** How long a request waits for the lookup of the same token that another request started. */
    static final Duration LOOKUP_WAIT = Duration.ofSeconds(5);
    /** Most tokens read at a resync; far more than any number of orders in flight. */
    private static final int RESYNC_LIMIT = 10_000;

    private record Known(String keyAuthorization, Instant since, long sequence) {
    }

    private final ClusterDatabase database;
    private final Clock clock;
    private final MissLimiter limiter;
    private final ConcurrentMap<String, Known> known = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong readThroughs = new AtomicLong();
    private final ConcurrentMap<String, CompletableFuture<Void>> lookups = new ConcurrentHashMap<>();

    public DatabaseChallengeStore(ClusterDatabase database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limiter = new MissLimiter(clock);
    }

    /** Makes {@code listener} keep this store's memory up to date; before it starts. */
    public DatabaseChallengeStore listenWith(NotificationListener listener) {
        listener.subscribe(database.channel(CHANNEL), this);
        return this;
    }

    /**
     * @throws IllegalArgumentException    when {@code token} is not base64url or the key authorization not {@code <token>.<...>}
     * @throws ClusterUnavailableException when the database cannot be reached: the token is not published
     */
    @Override
    public void put(String token, String keyAuthorization) {
        if (!ClusterNames.isToken(token)) {
            throw new IllegalArgumentException("not an ACME token (base64url, 1 to " + ClusterNames.MAX_TOKEN_LENGTH
                    + " characters): " + token);
        }
        if (!ClusterNames.isKeyAuthorization(token, keyAuthorization)) {
            throw new IllegalArgumentException("not a key authorization for token " + token
                    + " (<token>.<thumbprint>, printable ASCII, at most " + ClusterNames.MAX_KEY_AUTHORIZATION_LENGTH
                    + " characters)");
        }
        Instant now = clock.instant();
        database.inTransaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + database.table("challenges")
                    + " (token, key_authorization, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT (token)"
                    + " DO UPDATE SET key_authorization = excluded.key_authorization,"
                    + " created_at = excluded.created_at, created_by = excluded.created_by")) {
                upsert.setString(1, token);
                upsert.setString(2, keyAuthorization);
                SqlTime.set(upsert, 3, now);
                upsert.setString(4, database.node());
                upsert.executeUpdate();
            }
            notify(c, "+ " + token + " " + keyAuthorization + " " + now.toEpochMilli());
            return null;
        });
        remember(token, keyAuthorization, now);
    }

    /**
     * Makes {@code token} answerable by this node only, without the database: for a node that
     * renews standalone while the database is unreachable (the other nodes cannot learn the
     * token then; the CA's request must reach this node).
     */
    public void putHere(String token, String keyAuthorization) {
        if (!ClusterNames.isToken(token) || !ClusterNames.isKeyAuthorization(token, keyAuthorization)) {
            throw new IllegalArgumentException("not an ACME token and its key authorization: " + token);
        }
        remember(token, keyAuthorization, clock.instant());
    }

    @Override
    public Optional<String> find(String token) {
        if (!ClusterNames.isToken(token)) {
            return Optional.empty();
        }
        Known k = known.get(token);
        if (k != null) {
            return Optional.of(k.keyAuthorization());
        }
        if (!database.reachable()) {
            return Optional.empty();
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = lookups.putIfAbsent(token, mine);
        if (running != null) {
            try {
                running.get(LOOKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // answered as unknown below
            }
            return Optional.ofNullable(known.get(token)).map(Known::keyAuthorization);
        }
        try {
            return readThrough(token);
        } finally {
            lookups.remove(token, mine);
            mine.complete(null);
        }
    }

    private Optional<String> readThrough(String token) {
        if (!limiter.tryStart(token)) {
            return Optional.empty();
        }
        boolean found = false;
        try {
            readThroughs.incrementAndGet();
            Optional<Known> row = database.inTransaction(c -> {
                try (PreparedStatement q = c.prepareStatement("SELECT key_authorization, created_at FROM "
                        + database.table("challenges") + " WHERE token = ? AND created_at > ?")) {
                    q.setString(1, token);
                    SqlTime.set(q, 2, clock.instant().minus(MAX_AGE));
                    try (ResultSet r = q.executeQuery()) {
                        return r.next() ? Optional.of(new Known(r.getString(1), SqlTime.get(r, "created_at"), 0))
                                : Optional.<Known>empty();
                    }
                }
            });
            found = row.isPresent();
            row.ifPresent(value -> remember(token, value.keyAuthorization(), value.since()));
            return row.map(Known::keyAuthorization);
        } catch (ClusterException e) {
            LOG.log(Level.DEBUG, "Cannot look up challenge token {0} in the cluster database: {1}", token,
                    e.getMessage());
            return Optional.empty();
        } finally {
            limiter.done(token, found);
        }
    }

    /** Forgets {@code token} on every node; never throws (the provisioner calls it on its way out). */
    @Override
    public void remove(String token) {
        if (!ClusterNames.isToken(token)) {
            return;
        }
        known.remove(token);
        try {
            database.inTransaction(c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + database.table("challenges")
                        + " WHERE token = ?")) {
                    delete.setString(1, token);
                    if (delete.executeUpdate() > 0) {
                        notify(c, "- " + token);
                    }
                }
                return null;
            });
        } catch (ClusterException e) {
            LOG.log(Level.WARNING, "Cannot remove challenge token {0} from the cluster database ({1}); it is swept"
                    + " within {2} min", token, e.getMessage(), MAX_AGE.toMinutes());
        }
    }

    /**
     * Deletes every token older than {@link #MAX_AGE}, here and in the database.
     *
     * @return how many rows the database deleted
     * @throws ClusterUnavailableException when the database cannot be reached (memory is swept anyway)
     */
    public int sweep() {
        Instant cutoff = clock.instant().minus(MAX_AGE);
        known.entrySet().removeIf(e -> e.getValue().since().isBefore(cutoff));
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + database.table("challenges")
                    + " WHERE created_at < ?")) {
                SqlTime.set(delete, 1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    /** How many lookups went to the database since this store was made (for tests and metrics). */
    public long readThroughs() {
        return readThroughs.get();
    }

    /** How many tokens this node can answer from memory. */
    public int knownTokens() {
        return known.size();
    }

    @Override
    public void onNotification(String payload) {
        if (payload == null || payload.length() < 3 || payload.charAt(1) != ' ') {
            return;
        }
        String rest = payload.substring(2);
        if (payload.charAt(0) == '+') {
            String[] fields = rest.split(" ", -1);
            if (fields.length < 2 || fields.length > 3) {
                return;
            }
            String token = fields[0];
            String keyAuthorization = fields[1];
            Instant now = clock.instant();
            Instant since = now;
            if (fields.length == 3) {
                if (!fields[2].matches("[0-9]{1,15}")) {
                    return;
                }
                since = Instant.ofEpochMilli(Long.parseLong(fields[2]));
                since = since.isAfter(now) ? now : since;
            }
            if (ClusterNames.isToken(token) && ClusterNames.isKeyAuthorization(token, keyAuthorization)
                    && since.isAfter(now.minus(MAX_AGE))) {
                remember(token, keyAuthorization, since);
            }
        } else if (payload.charAt(0) == '-' && ClusterNames.isToken(rest)) {
            known.remove(rest);
        }
    }

    /**
     * After (re)connecting: the tokens of the database replace what this node remembered,
     * except tokens put here while the read ran.
     */
    @Override
    public void resync() {
        long before = sequence.get();
        Set<String> present = new HashSet<>();
        database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT token, key_authorization, created_at FROM "
                    + database.table("challenges") + " WHERE created_at > ? ORDER BY created_at DESC LIMIT "
                    + RESYNC_LIMIT)) {
                SqlTime.set(q, 1, clock.instant().minus(MAX_AGE));
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        String token = r.getString(1);
                        present.add(token);
                        remember(token, r.getString(2), SqlTime.get(r, "created_at"));
                    }
                }
            }
            return null;
        });
        known.entrySet().removeIf(e -> e.getValue().sequence() <= before && !present.contains(e.getKey()));
    }

    private void remember(String token, String keyAuthorization, Instant since) {
        known.put(token, new Known(keyAuthorization, since, sequence.incrementAndGet()));
        limiter.known(token);
    }

    private void notify(java.sql.Connection c, String payload) throws java.sql.SQLException {
        try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            n.setString(1, database.channel(CHANNEL));
            n.setString(2, payload);
            n.execute();
        }
    }
}
