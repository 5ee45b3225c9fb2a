#!/usr/bin/env bash
# What the WAR's challenge store costs the challenge endpoint: the filter in an embedded Jetty
# with the in-memory store (as bench/challenge-endpoint.sh measures it) against the WAR's layered
# store (in-memory, then <state_dir>/challenges/<token> files written by the admin command), wrk
# on a pending token of the webapp (200), a token file of the admin command (200, layered only)
# and an unknown token (404). Rounds interleaved; java.util.logging at WARNING.
#
#   bench/challenge-store.sh            3 rounds of 6 s per URL
#   ROUNDS=5 WRK_SECONDS=10 bench/challenge-store.sh
#
# Result lines (bench/lib.sh), one value per round: STORE_MEMORY_200_RPS, STORE_LAYERED_200_RPS,
# STORE_LAYERED_FILE_RPS (the admin command's token file), STORE_MEMORY_404_RPS,
# STORE_LAYERED_404_RPS. Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven wrk:wrk curl:curl python3:python3)
ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-6}   # before lib.sh, whose default is bench/run-all.sh's
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init challenge-store "$@"
bench_classpath
note "challenge store: wrk ${WRK_ARGS[*]}, $ROUNDS rounds of ${WRK_SECONDS} s per URL after 3 s of warm-up each"

TOKEN=$(random_token)
FILE_TOKEN=$(random_token)
THUMBPRINT=$(random_token) # 43 base64url characters, like a SHA-256 JWK thumbprint: the only form a store serves
mkdir -p "$WORK/state/challenges"
printf '%s.%s' "$FILE_TOKEN" "$THUMBPRINT" > "$WORK/state/challenges/$FILE_TOKEN"
chmod 644 "$WORK/state/challenges/$FILE_TOKEN"
printf 'handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n' > "$WORK/jul.properties"
CHALLENGE_JVM_OPTS=("-Djava.util.logging.config.file=$WORK/jul.properties")
P_MEM=$(free_port); start_challenge_server "$P_MEM" "$TOKEN" "$TOKEN.$THUMBPRINT"
P_LAY=$(free_port); start_challenge_server "$P_LAY" "$TOKEN" "$TOKEN.$THUMBPRINT" "$WORK/state"
U_MEM=http://127.0.0.1:$P_MEM/.well-known/acme-challenge
U_LAY=http://127.0.0.1:$P_LAY/.well-known/acme-challenge
[[ $(curl -s "$U_LAY/$FILE_TOKEN") == "$FILE_TOKEN.$THUMBPRINT" ]] || die "the token file is not served"
[[ $(status_of "$U_LAY/unknownToken123") == 404 ]] || die "no 404"

# key and URL of each measured request
URLS=(STORE_MEMORY_200_RPS "$U_MEM/$TOKEN" STORE_LAYERED_200_RPS "$U_LAY/$TOKEN"
      STORE_LAYERED_FILE_RPS "$U_LAY/$FILE_TOKEN"
      STORE_MEMORY_404_RPS "$U_MEM/unknownToken123" STORE_LAYERED_404_RPS "$U_LAY/unknownToken123")
declare -A R=()
for ((i = 0; i < ${#URLS[@]}; i += 2)); do rps "${URLS[i+1]}" 3 > /dev/null; done   # warm-up
for ((r = 1; r <= ROUNDS; r++)); do
    line=
    for ((i = 0; i < ${#URLS[@]}; i += 2)); do
        v=$(rps "${URLS[i+1]}" "$WRK_SECONDS")
        R[${URLS[i]}]+="$v "
        line+=" ${URLS[i]}=$v"
        # shellcheck disable=SC2086 # a list of numbers
        result "${URLS[i]}" ${R[${URLS[i]}]}
    done
    log "round $r:$line (load $(cut -d' ' -f1 /proc/loadavg))"
done
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
summarize STORE_MEMORY_200_RPS STORE_LAYERED_200_RPS STORE_LAYERED_FILE_RPS STORE_MEMORY_404_RPS STORE_LAYERED_404_RPS
