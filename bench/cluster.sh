#!/usr/bin/env bash
# Cluster mode (acme.cluster): how long from the death of the node that holds a certificate's
# lease (kill -9, in the middle of an order) to the certificate on all live nodes, and how fast
# a node that did not place the order answers the CA's http-01 request, next to a single node.
#
#   bench/cluster.sh                      CLUSTER_RUNS=3 takeover runs, 5 latency rounds of 2000 GETs
#   CLUSTER_RUNS=1 LATENCY_ROUNDS=3 LATENCY_REQUESTS=1000 bench/cluster.sh
#
# 1. Takeover: the it module's ClusterIT, once per run (mvn integration-test -Dit.test=ClusterIT; a
#    reactor build of acme-filter, acme-war and it, no install): three nodes, each acme.war in an
#    embedded Jetty in a JVM of its own, PostgreSQL, nginx round-robin, Pebble; lease 5 s. The
#    test kills the lease holder while the CA's validation is held, then times the takeover (the
#    next lease grant, from the database) and the certificate in both live nodes' files; it
#    prints a TIMING line, read back here.
# 2. Latency: dev.acmefilter.bench.ClusterChallengeLatency (acme-filter's test classes): two
#    cluster nodes on a private PostgreSQL, node B's filter in a Jetty, a single node's filter
#    (in-memory store) in another; per round node A publishes a token, the time until B answers
#    it is the propagation, then one Java client GETs it alternately from B and the single node.
#
# Result lines (bench/lib.sh): CLUSTER_KILL_TO_TAKEOVER_MS, CLUSTER_KILL_TO_FILES_MS (one value
# per run); CLUSTER_PROPAGATION_MS, CLUSTER_READ_THROUGHS, CLUSTER_OTHER_NODE_P50_MS,
# CLUSTER_OTHER_NODE_P99_MS, CLUSTER_SINGLE_NODE_P50_MS, CLUSTER_SINGLE_NODE_P99_MS (one value
# per round). Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble pebble-challtestsrv:pebble nginx:nginx-light
    /usr/lib/postgresql/15/bin/initdb:postgresql)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init cluster "$@"
CLUSTER_RUNS=${CLUSTER_RUNS:-3}
LATENCY_ROUNDS=${LATENCY_ROUNDS:-5}
LATENCY_REQUESTS=${LATENCY_REQUESTS:-2000}

bench_classpath
note "challenge answer latency: two cluster nodes and a single node in one JVM, $LATENCY_ROUNDS rounds of" \
    "$LATENCY_REQUESTS sequential GETs per node (HTTP/1.1 keep-alive, one Java client)"
settle
relay_results java -cp "$CP" dev.acmefilter.bench.ClusterChallengeLatency "$LATENCY_ROUNDS" "$LATENCY_REQUESTS"

note "takeover: it module's ClusterIT (three acme.war JVMs, nginx, PostgreSQL, Pebble), lease 5 s, kill -9 of" \
    "the lease holder during its order; $CLUSTER_RUNS run(s)"
takeover=() files=()
timings=$ROOT/it/target/it-timings.txt
for ((run = 1; run <= CLUSTER_RUNS; run++)); do
    rm -rf "$ROOT"/it/target/failsafe-reports-* "$timings"   # a stale summary fails a later build
    settle
    log "takeover run $run of $CLUSTER_RUNS (mvn integration-test -Dit.test=ClusterIT)"
    # integration-test, not verify: the per-container executions (nothing to run) leave no summary to verify
    mvn -B -q -Dstyle.color=never -pl acme-filter,acme-war,it integration-test -Dit.test=ClusterIT -Dtest=NoSuchTest \
        -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
        > "$WORK/cluster-it-$run.log" 2>&1 || true
    summary=$ROOT/it/target/failsafe-reports-cluster/failsafe-summary.xml
    if ! grep -q '<completed>1</completed>' "$summary" 2>/dev/null || ! grep -q '<failures>0</failures>' "$summary" \
        || ! grep -q '<errors>0</errors>' "$summary" || ! grep -q '^TIMING cluster ' "$timings" 2>/dev/null; then
        log "run $run failed: $(grep -hE 'FAIL|ERROR|not within' "$WORK/cluster-it-$run.log" \
            "$ROOT"/it/target/failsafe-reports-cluster/*.txt 2>/dev/null | head -5)"
        takeover+=("?") files+=("?")
    else
        line=$(grep '^TIMING cluster ' "$timings" | tail -1)
        takeover+=("$(sed -n 's/.*kill_to_takeover_ms=\([0-9]*\).*/\1/p' <<<"$line")")
        files+=("$(sed -n 's/.*kill_to_files_on_all_live_nodes_ms=\([0-9]*\).*/\1/p' <<<"$line")")
    fi
    result CLUSTER_KILL_TO_TAKEOVER_MS "${takeover[@]}"
    result CLUSTER_KILL_TO_FILES_MS "${files[@]}"
done
summarize CLUSTER_KILL_TO_TAKEOVER_MS CLUSTER_KILL_TO_FILES_MS CLUSTER_PROPAGATION_MS CLUSTER_OTHER_NODE_P50_MS \
    CLUSTER_OTHER_NODE_P99_MS CLUSTER_SINGLE_NODE_P50_MS CLUSTER_SINGLE_NODE_P99_MS
