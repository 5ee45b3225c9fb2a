#!/usr/bin/env bash
# Footprint of acme.war in the Jetty base: server start time (Jetty's own "@NNNms" uptime when
# the server is started, i.e. including the deployment), RSS, and heap used after a full GC,
# for (a) an empty webapp at "/" and (b) acme.war at "/" right after it provisioned a
# certificate from a local Pebble (the jetty-base demo). Same Jetty, same modules, same JVM
# options (jetty-base/run --jvm-options), both through start.jar without the start cache and
# class-data archive (ACME_FAST_START=0): this is what acme.war adds, not what the launcher saves
# (bench/time-to-certificate.sh shows that). N runs each (default 3). Not part of the test suite.
#
#   bench/footprint.sh [runs]
#
# Result lines (bench/lib.sh), one value per run: FOOTPRINT_EMPTY_START_MS,
# FOOTPRINT_EMPTY_RSS_MIB, FOOTPRINT_EMPTY_HEAP_MIB (the empty webapp), FOOTPRINT_WAR_START_MS,
# FOOTPRINT_WAR_RSS_MIB, FOOTPRINT_WAR_HEAP_MIB (acme.war after provisioning).
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless jcmd:openjdk-17-jdk-headless mvn:maven pebble:pebble openssl:openssl
       curl:curl python3:python3)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init footprint "$@"
FP_RUNS=${1:-3}
BASE=$ROOT/jetty-base
ensure_jetty_base
mapfile -t JVM_OPTS < <("$BASE/run" --jvm-options)
note "footprint: Jetty 12.1.8 base, $FP_RUNS runs (start = Jetty uptime when the server started, deployment included)"

# the empty webapp: same base files, a webapp with nothing but a web.xml
mkdir -p "$WORK/empty/WEB-INF"
printf '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n' > "$WORK/empty/WEB-INF/web.xml"

measure() { # pid log -> "start_ms rss_mib heap_mib"
    local pid=$1 log=$2 start rss heap try
    start=$(grep -o 'Started oejs.Server@[^ ]* @[0-9]*ms' "$log" | grep -o '@[0-9]*ms' | tr -d '@ms' | tail -1)
    for ((try = 0; try < 10; try++)); do jcmd "$pid" GC.run >/dev/null 2>&1 && break; sleep 0.5; done
    sleep 0.5
    rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    heap=$(jcmd "$pid" GC.heap_info | grep -o 'used [0-9]*K' | sed -n 1p | awk '{ printf "%.1f", $2 / 1024 }')
    echo "$start $rss $heap"
}

E_START=() E_RSS=() E_HEAP=() W_START=() W_RSS=() W_HEAP=()
for ((i = 1; i <= FP_RUNS; i++)); do
    start_base empty "$WORK/empty" "" "${JVM_OPTS[@]}"
    pid=$SB_PID
    await_started empty
    read -r s m h < <(measure "$pid" "$WORK/empty.log")
    E_START+=("$s") E_RSS+=("$m") E_HEAP+=("$h")
    stop_group "$pid"

    ACME_FAST_START=0 spawn "$BASE/run" > "$WORK/demo.out" 2>&1 < /dev/null
    pid=$SPAWNED
    wait_for_line "$WORK/demo.out" 'Certificate verified.' 90 || die "the demo did not verify a certificate: $(tail -20 "$WORK/demo.out")"
    jpid=$(sed -n 's/^Jetty (pid \([0-9]*\)).*/\1/p' "$WORK/demo.out")
    read -r s m h < <(measure "$jpid" "$BASE/demo/jetty.log")
    W_START+=("$s") W_RSS+=("$m") W_HEAP+=("$h")
    stop_group "$pid" 30   # TERM: the demo stops its Jetty and its Pebble (a background job ignores INT)

    log "footprint, run $i/$FP_RUNS: empty webapp ${E_START[-1]} ms, ${E_RSS[-1]} MiB RSS, ${E_HEAP[-1]} MiB heap;" \
        "acme.war ${W_START[-1]} ms, ${W_RSS[-1]} MiB RSS, ${W_HEAP[-1]} MiB heap"
    result FOOTPRINT_EMPTY_START_MS "${E_START[@]}"
    result FOOTPRINT_EMPTY_RSS_MIB "${E_RSS[@]}"
    result FOOTPRINT_EMPTY_HEAP_MIB "${E_HEAP[@]}"
    result FOOTPRINT_WAR_START_MS "${W_START[@]}"
    result FOOTPRINT_WAR_RSS_MIB "${W_RSS[@]}"
    result FOOTPRINT_WAR_HEAP_MIB "${W_HEAP[@]}"
done
summarize FOOTPRINT_EMPTY_START_MS FOOTPRINT_EMPTY_RSS_MIB FOOTPRINT_EMPTY_HEAP_MIB \
    FOOTPRINT_WAR_START_MS FOOTPRINT_WAR_RSS_MIB FOOTPRINT_WAR_HEAP_MIB
