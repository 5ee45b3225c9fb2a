package dev.acmefilter.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which nodes are alive, for status: each node writes its row ({@link #heartbeat}) every
 * {@link #HEARTBEAT} (the {@link Cluster} schedules it), and {@link #recent} lists those
 * seen within {@link #RECENT}. Only informative: the leases, not this table, decide who
 * orders.
 */
public final class ClusterMembers {

    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration RECENT = Duration.ofMinutes(1);

    /** A node as last seen. */
    public record Member(String node, String version, Instant startedAt, Instant lastSeen) {
    }

    private final ClusterDatabase database;
    private final String version;
    private final Clock clock;
    private final Instant startedAt;

    public ClusterMembers(ClusterDatabase database, String version) {
        this.database = Objects.requireNonNull(database, "database");
        this.version = Objects.requireNonNull(version, "version");
        this.clock = database.clock();
        this.startedAt = clock.instant();
    }

    /**
     * Records that this node is alive now.
     *
     * @throws ClusterUnavailableException when the database cannot be reached
     */
    public void heartbeat() {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + database.table("members")
                    + " (node, version, started_at, last_seen) VALUES (?, ?, ?, ?) ON CONFLICT (node) DO UPDATE SET"
                    + " version = excluded.version, started_at = excluded.started_at, last_seen = excluded.last_seen")) {
                upsert.setString(1, database.node());
                upsert.setString(2, version);
                SqlTime.set(upsert, 3, startedAt);
                SqlTime.set(upsert, 4, now);
                return upsert.executeUpdate();
            }
        });
    }

    /** The nodes seen within {@link #RECENT}, by name. */
    public List<Member> recent() {
        return seenWithin(RECENT);
    }

    /** The nodes seen within {@code period}, by name. */
    public List<Member> seenWithin(Duration period) {
        Instant since = clock.instant().minus(period);
        return database.inTransaction(c -> {
            List<Member> members = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT node, version, started_at, last_seen FROM "
                    + database.table("members") + " WHERE last_seen >= ? ORDER BY node")) {
                SqlTime.set(q, 1, since);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        members.add(new Member(r.getString(1), r.getString(2), SqlTime.get(r, "started_at"),
                                SqlTime.get(r, "last_seen")));
                    }
                }
            }
            return members;
        });
    }
}
