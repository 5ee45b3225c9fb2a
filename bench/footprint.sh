#!/usr/bin/env bash
# Footprint of acme.war in the Jetty base: server start time (Jetty's own "@NNNms" uptime when
# the server is started, i.e. including the deployment), RSS, and heap used after a full GC,
# for (a) an empty webapp at "/" and (b) acme.war at "/" right after it provisioned a
# certificate from a local Pebble (the jetty-base demo). Same Jetty, same modules, same JVM
# options (jetty-base/run --jvm-options), both through start.jar without the start cache and
# class-data archive (ACME_FAST_START=0): this is what acme.war adds, not what the launcher saves
# (bench/run-all.sh shows that). Median of N runs each (default 3). Not part of the test suite.
# Usage: bench/footprint.sh [runs]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
RUNS=${1:-3}
BASE=$ROOT/jetty-base
JETTY_HOME=$BASE/target/jetty-home-12.1.8
[[ -f $JETTY_HOME/start.jar && -f $BASE/target/webapp/acme.war ]] \
    || (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests install)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
mapfile -t JVM_OPTS < <("$BASE/run" --jvm-options)

# the empty webapp: same base files, a webapp with nothing but a web.xml
mkdir -p "$WORK/base/webapps" "$WORK/base/environments" "$WORK/empty/WEB-INF"
cp -r "$BASE/start.d" "$BASE/resources" "$WORK/base/"
printf '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n' > "$WORK/empty/WEB-INF/web.xml"
cat > "$WORK/base/webapps/root.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
<Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">
  <Set name="contextPath">/</Set>
  <Set name="war">$WORK/empty</Set>
</Configure>
XML

measure() { # pid log -> "start_ms rss_mib heap_mib"
    local pid=$1 log=$2 start rss heap
    start=$(grep -o 'Started oejs.Server@[^ ]* @[0-9]*ms' "$log" | grep -o '@[0-9]*ms' | tr -d '@ms' | tail -1)
    local try
    for ((try = 0; try < 10; try++)); do jcmd "$pid" GC.run >/dev/null 2>&1 && break; sleep 0.5; done
    sleep 0.5
    rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    heap=$(jcmd "$pid" GC.heap_info | grep -o 'used [0-9]*K' | sed -n 1p | awk '{ printf "%.1f", $2 / 1024 }')
    echo "$start $rss $heap"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$WORK/empty.txt"; : > "$WORK/war.txt"
for ((i = 1; i <= RUNS; i++)); do
    setsid java "${JVM_OPTS[@]}" -jar "$JETTY_HOME/start.jar" "jetty.home=$JETTY_HOME" "jetty.base=$WORK/base" \
        jetty.http.port=18009 jetty.http.host=127.0.0.1 > "$WORK/empty.log" 2>&1 < /dev/null &
    pid=$!; PIDS+=("$pid")
    for ((t = 0; t < 600; t++)); do grep -q 'Started oejs.Server' "$WORK/empty.log" 2>/dev/null && break; sleep 0.1; done
    grep -q 'Started oejs.Server' "$WORK/empty.log" || { echo "the empty webapp did not start:"; tail -20 "$WORK/empty.log"; exit 1; }
    jpid=$(pgrep -f "jetty.base=$WORK/base" | sed -n 1p) || { echo "no Jetty process for $WORK/base"; exit 1; }
    measure "$jpid" "$WORK/empty.log" >> "$WORK/empty.txt"
    kill -TERM -- "-$pid"; wait "$pid" 2>/dev/null || true

    ACME_FAST_START=0 setsid "$BASE/run" > "$WORK/demo.out" 2>&1 < /dev/null &
    pid=$!; PIDS+=("$pid")
    for ((t = 0; t < 900; t++)); do grep -q 'Certificate verified.' "$WORK/demo.out" && break; sleep 0.1; done
    grep -q 'Certificate verified.' "$WORK/demo.out" || { cat "$WORK/demo.out"; exit 1; }
    jpid=$(sed -n 's/^Jetty (pid \([0-9]*\)).*/\1/p' "$WORK/demo.out")
    measure "$jpid" "$BASE/demo/jetty.log" >> "$WORK/war.txt"
    kill -TERM -- "-$pid"; wait "$pid" 2>/dev/null || true # TERM: a background job ignores INT
done

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
printf 'Jetty 12.1.8 base, median of %d runs (start = Jetty uptime when the server started, deployment included)\n' "$RUNS"
printf '%-34s %10s %10s %12s\n' "" "start ms" "RSS MiB" "heap MiB"
printf '%-34s %10s %10s %12s\n' "empty webapp at /" "$(col 1 "$WORK/empty.txt")" "$(col 2 "$WORK/empty.txt")" "$(col 3 "$WORK/empty.txt")"
printf '%-34s %10s %10s %12s\n' "acme.war at /, after provisioning" "$(col 1 "$WORK/war.txt")" "$(col 2 "$WORK/war.txt")" "$(col 3 "$WORK/war.txt")"
printf '%-34s %10s %10s %12s\n' "added by acme.war" \
    "$(( $(col 1 "$WORK/war.txt") - $(col 1 "$WORK/empty.txt") ))" \
    "$(( $(col 2 "$WORK/war.txt") - $(col 2 "$WORK/empty.txt") ))" \
    "$(awk -v a="$(col 3 "$WORK/war.txt")" -v b="$(col 3 "$WORK/empty.txt")" 'BEGIN { printf "%.1f", a - b }')"
