#!/usr/bin/env bash
# Filter overhead: wrk on GET /index.html (the WAR's own static file, ACME disabled) in the Jetty
# base, requests/s, acme.war against the same WAR without the filter's declaration; both with the
# JVM's default settings (a container serving an application: the filter's cost matters there).
# For information also a webapp holding only that index.html (no Weld, no filter), and acme.war
# with the Jetty base's JVM options (jetty-base/run --jvm-options). After a warm-up of each JVM,
# PAIRS rounds of the pair back to back in alternating order (A B, B A, ...), so that a change of
# the machine's load hits both alike; the two others every second round. Each round starts on a
# quiet machine (settle).
#
#   bench/filter-overhead.sh                        21 pairs of 3 s rounds after a 15 s warm-up
#   PAIRS=11 PAIR_SECONDS=5 WARMUP_SECONDS=20 bench/filter-overhead.sh
#
# Result lines (bench/lib.sh): FILTER_WAR_RPS, FILTER_NOFILTER_RPS (one value per round),
# FILTER_PLAIN_RPS, FILTER_BASE_OPTIONS_RPS (every second round), FILTER_BASE_JVM_OPTIONS (the
# Jetty base's options, words). Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven wrk:wrk curl:curl python3:python3 zip:zip unzip:unzip)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init filter-overhead "$@"
ensure_jetty_base
mapfile -t BASE_JVM_OPTS < <("$ROOT/jetty-base/run" --jvm-options)
result FILTER_BASE_JVM_OPTIONS "${BASE_JVM_OPTS[@]}"
note "filter overhead: wrk ${WRK_ARGS[*]}, $PAIRS rounds of ${PAIR_SECONDS} s per pair after a ${WARMUP_SECONDS} s warm-up"

mkdir -p "$WORK/hs" "$WORK/nofilter" "$WORK/plain/WEB-INF"
homeserver_yaml "$WORK/hs/homeserver.yaml" "enabled: false"
# acme.war without the filter: the same WAR, the filter's declaration removed from its web.xml
(
    cd "$WORK/nofilter"
    cp "$WAR" acme-nofilter.war
    unzip -q acme-nofilter.war WEB-INF/web.xml
    python3 - WEB-INF/web.xml <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
t = re.sub(r'\s*<filter>.*?</filter>\s*<filter-mapping>.*?</filter-mapping>', '\n', s, flags=re.S)
assert t != s, "no filter declaration in acme.war's web.xml"
open(p, 'w').write(t)
PY
    zip -q acme-nofilter.war WEB-INF/web.xml
)
unzip -q -o -d "$WORK/plain" "$WAR" index.html
printf '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n' > "$WORK/plain/WEB-INF/web.xml"

names=(war nofilter plain war-base)
declare -A PORTS=()
# the filter's cost matters in a container that serves an application, with the JVM's default
# settings: the pair runs so; the Jetty base's own options (C1 only: a provisioner serves a few
# requests per renewal) are shown for information
start_base war "$WAR" "$WORK/hs/homeserver.yaml"; PORTS[war]=$SB_PORT
start_base nofilter "$WORK/nofilter/acme-nofilter.war" "$WORK/hs/homeserver.yaml"; PORTS[nofilter]=$SB_PORT
start_base plain "$WORK/plain" "$WORK/hs/homeserver.yaml"; PORTS[plain]=$SB_PORT
start_base war-base "$WAR" "$WORK/hs/homeserver.yaml" "${BASE_JVM_OPTS[@]}"; PORTS[war-base]=$SB_PORT
for n in "${names[@]}"; do await_started "$n"; done
for n in "${names[@]}"; do
    [[ $(status_of "http://127.0.0.1:${PORTS[$n]}/index.html") == 200 ]] || die "no 200 for /index.html in $n"
done
[[ $(curl -s "http://127.0.0.1:${PORTS[war]}/.well-known/acme-challenge/x") == "No pending ACME challenge"* ]] \
    || die "acme.war: the filter does not answer"
[[ $(curl -s "http://127.0.0.1:${PORTS[nofilter]}/.well-known/acme-challenge/x") != "No pending ACME challenge"* ]] \
    || die "the WAR without the filter's declaration still runs the filter"
log "filter overhead: warm-up, ${WARMUP_SECONDS} s per JVM"
for n in "${names[@]}"; do rps "http://127.0.0.1:${PORTS[$n]}/index.html" "$WARMUP_SECONDS" > /dev/null; done

F_WAR=() F_NOF=() F_PLAIN=() F_BASE=()
u_war=http://127.0.0.1:${PORTS[war]}/index.html u_nof=http://127.0.0.1:${PORTS[nofilter]}/index.html
for ((r = 1; r <= PAIRS; r++)); do
    settle
    if ((r % 2)); then
        F_WAR+=("$(rps "$u_war" "$PAIR_SECONDS")"); F_NOF+=("$(rps "$u_nof" "$PAIR_SECONDS")")
    else
        F_NOF+=("$(rps "$u_nof" "$PAIR_SECONDS")"); F_WAR+=("$(rps "$u_war" "$PAIR_SECONDS")")
    fi
    more=""
    if ((r % 2 == 0)); then
        F_PLAIN+=("$(rps "http://127.0.0.1:${PORTS[plain]}/index.html" "$PAIR_SECONDS")")
        F_BASE+=("$(rps "http://127.0.0.1:${PORTS[war-base]}/index.html" "$PAIR_SECONDS")")
        more=", index.html only ${F_PLAIN[-1]}, acme.war with the base's options ${F_BASE[-1]}"
    fi
    log "filter overhead, round $r/$PAIRS: acme.war ${F_WAR[-1]}, without filter ${F_NOF[-1]}$more req/s"
    result FILTER_WAR_RPS "${F_WAR[@]}"
    result FILTER_NOFILTER_RPS "${F_NOF[@]}"
    result FILTER_PLAIN_RPS "${F_PLAIN[@]}"
    result FILTER_BASE_OPTIONS_RPS "${F_BASE[@]}"
done
summarize FILTER_WAR_RPS FILTER_NOFILTER_RPS FILTER_PLAIN_RPS FILTER_BASE_OPTIONS_RPS
log "filter overhead ratio (acme.war / without the filter, median of the per-round ratios): $(paired F_WAR F_NOF)"
