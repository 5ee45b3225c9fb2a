package dev.acmefilter.cluster;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What runs inside one transaction of {@link ClusterDatabase#inTransaction}. It may run a
 * second time on a fresh connection when the first one turned out to be dead, so it must
 * only talk to the database (no side effect outside it) and be safe to repeat.
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
