#!/usr/bin/env bash
# What the WAR's challenge store costs the challenge endpoint: the filter in an embedded Jetty
# with the in-memory store (as bench/run-all.sh measures it) against the WAR's layered store
# (in-memory, then <state_dir>/challenges/<token> files written by the admin command), wrk on
# a pending token of the webapp (200), a token file of the admin command (200, layered only)
# and an unknown token (404). Rounds interleaved; prints requests/s, median of the rounds.
#
#   bench/challenge-store.sh            3 rounds of 6 s per URL
#   ROUNDS=5 WRK_SECONDS=10 bench/challenge-store.sh
# Needs wrk (Debian package wrk). Not part of the test suite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"
ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-6}
command -v wrk >/dev/null || { echo "wrk is not installed: run 'sudo apt-get install -y wrk'" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench-challenge-store.XXXXXX)
PIDS=()
cleanup() {
    set +e
    for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

mvn -q -B -o -pl acme-filter test-compile >/dev/null || { echo "mvn -pl acme-filter test-compile failed" >&2; exit 1; }
mvn -q -B -o -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/acme-filter/target/test-classes:$ROOT/acme-filter/target/classes:$(cat "$WORK/cp.txt")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
token() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

TOKEN=$(token)
FILE_TOKEN=$(token)
THUMBPRINT=$(token) # 43 base64url characters, like a SHA-256 JWK thumbprint: the only form a store serves
mkdir -p "$WORK/state/challenges"
printf '%s.%s' "$FILE_TOKEN" "$THUMBPRINT" > "$WORK/state/challenges/$FILE_TOKEN"
chmod 644 "$WORK/state/challenges/$FILE_TOKEN"
printf 'handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n' > "$WORK/jul.properties"

start() { # port [state-dir]
    mkfifo "$WORK/in.$1"
    setsid java "-Djava.util.logging.config.file=$WORK/jul.properties" -cp "$CP" \
        dev.acmefilter.bench.ChallengeServer "$1" "$TOKEN" "$TOKEN.$THUMBPRINT" "${@:2}" \
        < "$WORK/in.$1" > "$WORK/out.$1" 2>&1 &
    PIDS+=($!)
    exec {fd}> "$WORK/in.$1"
    for _ in $(seq 100); do grep -q ready "$WORK/out.$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "ChallengeServer on $1 did not start: $(cat "$WORK/out.$1")" >&2; exit 1
}
P_MEM=$(free_port); start "$P_MEM"
P_LAY=$(free_port); start "$P_LAY" "$WORK/state"
U_MEM=http://127.0.0.1:$P_MEM/.well-known/acme-challenge
U_LAY=http://127.0.0.1:$P_LAY/.well-known/acme-challenge
[[ $(curl -s "$U_LAY/$FILE_TOKEN") == "$FILE_TOKEN.$THUMBPRINT" ]] || { echo "the token file is not served" >&2; exit 1; }
[[ $(curl -s -o /dev/null -w '%{http_code}' "$U_LAY/unknownToken123") == 404 ]] || { echo "no 404" >&2; exit 1; }

rps() { wrk -t2 -c32 -d"$2"s "$1" 2>&1 | awk '/^Requests\/sec:/ { printf "%d", $2 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A R
URLS=(mem200 "$U_MEM/$TOKEN" lay200 "$U_LAY/$TOKEN" layfile "$U_LAY/$FILE_TOKEN"
      mem404 "$U_MEM/unknownToken123" lay404 "$U_LAY/unknownToken123")
for ((i = 0; i < ${#URLS[@]}; i += 2)); do rps "${URLS[i+1]}" 3 > /dev/null; done   # warm-up
for ((r = 1; r <= ROUNDS; r++)); do
    line=
    for ((i = 0; i < ${#URLS[@]}; i += 2)); do
        v=$(rps "${URLS[i+1]}" "$WRK_SECONDS")
        R[${URLS[i]}]+="$v "
        line+=" ${URLS[i]}=$v"
    done
    echo "round $r:$line (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-44s %12s   %s\n' "request (wrk -t2 -c32, ${WRK_SECONDS} s x $ROUNDS)" "median req/s" "rounds"
printf '%-44s %12s   %s\n' "pending token, in-memory store" "$(median ${R[mem200]})" "${R[mem200]}"
printf '%-44s %12s   %s\n' "pending token, layered store" "$(median ${R[lay200]})" "${R[lay200]}"
printf '%-44s %12s   %s\n' "admin command's token file, layered store" "$(median ${R[layfile]})" "${R[layfile]}"
printf '%-44s %12s   %s\n' "unknown token, in-memory store" "$(median ${R[mem404]})" "${R[mem404]}"
printf '%-44s %12s   %s\n' "unknown token, layered store" "$(median ${R[lay404]})" "${R[lay404]}"
