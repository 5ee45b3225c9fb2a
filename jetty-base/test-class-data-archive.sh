#!/usr/bin/env bash
# The start-up optimisation's own test: the class-data archive (bin/matrix-acme and
# ClassDataArchive.java) with real JVMs, through the launcher the packages install
# (target/matrix-acme/bin/matrix-acme), on a config that serves challenges only (no CA needed).
#   1. a start that fails (wrong config) leaves an archive that no later start maps
#   2. a start that serves writes an archive when it stops, marked as served
#   3. the next start maps it (then it is classes.jsa), and writes none
#   4. an archive this Java cannot use (here: garbage) is deleted by the start that finds it,
#      which serves all the same
#   5. ACME_FAST_START=0, or no cache folder: no archive at all
# Prints the time from launch to listening with and without the archive. Run by test-run.sh.
set -euo pipefail
BASE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=jetty-base/test-lib.sh
source "$BASE/test-lib.sh"
LAUNCHER=$BASE/target/matrix-acme/bin/matrix-acme
"$BASE/run" --build
TMP=$(mktemp -d)
PID=
cleanup() {
    if [[ -n $PID ]]; then kill -KILL -- "-$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { printf 'ok: %s\n' "$*"; }

PORT=$(free_port 18109)
printf 'server_name: localhost\nacme:\n  enabled: false\n  port: %s\n  bind_addresses: ["127.0.0.1"]\n' "$PORT" > "$TMP/serve.yaml"
printf 'acme:\n  port: 99999\n' > "$TMP/bad.yaml"
CACHE=$TMP/cache
mkdir -p "$CACHE"

# serve CONFIG LOG: starts the launcher, waits until Jetty has started (and, when this JVM writes
# an archive, until ServiceMain marked it), stops it (TERM; up to 60 s for the archive's write);
# sets SECONDS_TO_LISTEN (launch to the port accepting connections)
serve() {
    local t0 i listening=
    t0=$EPOCHREALTIME
    MATRIX_ACME_CACHE=$CACHE setsid bash "$LAUNCHER" "$1" > "$2" 2>&1 < /dev/null &
    PID=$!
    for ((i = 0; i < 1200; i++)); do
        if [[ -z $listening ]] && ! port_free "$PORT"; then
            listening=$EPOCHREALTIME
        fi
        if grep -q 'Started oejs.Server' "$2" && { ! grep -q -- "-XX:ArchiveClassesAtExit" "/proc/$PID/cmdline" 2>/dev/null \
                || ls "$CACHE"/classes.jsa.new-"$PID".served > /dev/null 2>&1; }; then
            break
        fi
        kill -0 "$PID" 2>/dev/null || { fail "the launcher exited: $(tail -5 "$2")"; PID=; return 1; }
        sleep 0.05
    done
    SECONDS_TO_LISTEN=$(awk -v a="${t0/,/.}" -v b="${listening/,/.}" 'BEGIN { printf "%.2f", b - a }')
    kill -TERM "$PID"
    for ((i = 0; i < 600; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    wait "$PID" 2>/dev/null || true
    PID=
}
archives() { (cd "$CACHE" && ls -A | tr '\n' ' '); }

# 1. a failed start
set +e
MATRIX_ACME_CACHE=$CACHE bash "$LAUNCHER" "$TMP/bad.yaml" > "$TMP/bad.log" 2>&1
rc=$?
set -e
if [[ $rc == 2 ]] && ls "$CACHE"/classes.jsa.new-* > /dev/null 2>&1 && ! ls "$CACHE"/*.served > /dev/null 2>&1; then
    ok "a start that fails (exit 2) leaves an archive without the served mark: $(archives)"
else
    fail "the failed start: exit $rc, cache: $(archives)"
fi

# 2. a start that serves
serve "$TMP/serve.yaml" "$TMP/first.log"
first=$SECONDS_TO_LISTEN
set -- "$CACHE"/classes.jsa.new-*.served
if [[ $# == 1 && -f $1 && -s ${1%.served} && $(ls "$CACHE" | grep -c '^classes.jsa.new-[0-9]*$') == 1 ]]; then
    ok "a start that serves writes its archive when it stops, marked as served; the failed one is gone: $(archives)"
else
    fail "after the first serving start: $(archives)"
fi

# 3. the next start maps it
serve "$TMP/serve.yaml" "$TMP/second.log"
if grep -q "Class-data archive written by the last run: kept as $CACHE/classes.jsa" "$TMP/second.log" \
        && [[ $(archives) == "classes.jsa " ]]; then
    ok "the next start maps it, keeps it as classes.jsa and writes none (listening after $SECONDS_TO_LISTEN s, without the archive $first s)"
else
    fail "the second start: cache $(archives), log: $(grep -i 'class-data' "$TMP/second.log" || true)"
fi
serve "$TMP/serve.yaml" "$TMP/third.log"
ok "a start with the archive listens after $SECONDS_TO_LISTEN s"

# 4. an archive this Java cannot use
head -c 65536 /dev/urandom > "$CACHE/classes.jsa"
serve "$TMP/serve.yaml" "$TMP/garbage.log"
if grep -q "Class-data archive $CACHE/classes.jsa is not usable by this Java" "$TMP/garbage.log" \
        && grep -q 'Started oejs.Server' "$TMP/garbage.log" && [[ -z $(archives) ]]; then
    ok "an unusable archive is deleted by the start that finds it, which serves all the same"
else
    fail "the unusable archive: cache $(archives), log: $(tail -3 "$TMP/garbage.log")"
fi

# 5. no archive
rm -rf "$CACHE" && mkdir -p "$CACHE"
ACME_FAST_START=0 serve "$TMP/serve.yaml" "$TMP/off.log"
if [[ -z $(archives) ]]; then ok "ACME_FAST_START=0: no archive"; else fail "ACME_FAST_START=0 wrote $(archives)"; fi
CACHE=$TMP/missing serve "$TMP/serve.yaml" "$TMP/nocache.log"
if [[ ! -e $TMP/missing ]] && grep -q 'Started oejs.Server' "$TMP/nocache.log"; then
    ok "no cache folder: the launcher serves without an archive"
else
    fail "without a cache folder: $(tail -3 "$TMP/nocache.log")"
fi

if ((failures > 0)); then
    printf '%d class-data archive check(s) failed\n' "$failures" >&2
    exit 1
fi
echo "Class-data archive checks passed."
