#!/usr/bin/env bash
# Time to certificate, one name (matrix.example.org), a fresh account each run, against one local
# Pebble (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, pebble-challtestsrv resolving every name
# to 127.0.0.1; the ACME server name is "localhost" with a throwaway CA). Runs interleaved
# a,b,c,d,a,b,c,d... on Pebble's one http-01 port, each on a quiet machine (settle):
#   a) the provisioner in a running embedded Jetty with the challenge filter
#      (RunningContainerClient: order start -> files on disk verified; one warm-up order first)
#   b) acme.war in the Jetty base, launched with jetty-base/run homeserver.yaml, from the launch
#      to the files verified; one untimed first start before (it builds the start cache and writes
#      the class-data archive when it stops), reported apart
#   c) certbot certonly --standalone, launch -> exit -> files verified
#   d) lego --http run, launch -> exit -> files verified
# Every time ends when the chain on disk verifies against Pebble's root and the key on disk matches.
#
#   bench/time-to-certificate.sh          5 runs per client
#   RUNS=7 bench/time-to-certificate.sh   runs per client (at least 5)
#
# Result lines (bench/lib.sh): TTC_RUNNING_MS (a), TTC_COLD_MS (b), TTC_CERTBOT_MS (c),
# TTC_LEGO_MS (d), one value per run; TTC_COLD_SERVER_STARTED_MS and TTC_COLD_ORDER_MS (b from
# Jetty's log: its uptime when the server had started, the provisioner's own order time);
# TTC_FIRST_MS, TTC_FIRST_SERVER_STARTED_MS, TTC_FIRST_ORDER_MS (b's untimed first start);
# TTC_WARMUP_MS (a's warm-up order). Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble pebble-challtestsrv:pebble certbot:certbot
       lego:lego openssl:openssl python3:python3 ss:iproute2)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init time-to-certificate "$@"
((RUNS >= 5)) || die "RUNS must be at least 5"
ensure_jetty_base
bench_classpath
note "time to certificate, one name ($DOMAIN), $RUNS runs per client interleaved a, b, c, d"

verify_pair() { # certificate(chain) key -> 0 when the chain verifies against Pebble's root and the key matches
    local crt=$1 key=$2 leaf
    leaf=$(mktemp "$WORK/leaf.XXXXXX")
    openssl x509 -in "$crt" -out "$leaf" 2>/dev/null || return 1
    openssl verify -CAfile "$PEBBLE_ROOT" -untrusted "$crt" -purpose sslserver "$leaf" >/dev/null 2>&1 || return 1
    rm -f "$leaf"
    cmp -s <(openssl pkey -in "$key" -pubout 2>/dev/null) <(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)
}

log "starting Pebble (with pebble-challtestsrv) and the running-container client"
# the client is in this script's process group: its shutdown hook stops its Pebble
coproc RC { exec java -cp "$CP" dev.acmefilter.bench.RunningContainerClient "$WORK/pebble.env" 2>"$WORK/rc.err" 3>&-; }
RC_KEEP=$RC_PID   # bash unsets RC_PID once the client has exited; the clean-up still needs it
stop_client() {
    local i
    { echo quit >&"${RC[1]}"; } 2>/dev/null
    for ((i = 0; i < 50; i++)); do kill -0 "$RC_KEEP" 2>/dev/null || break; sleep 0.1; done
    kill -TERM "$RC_KEEP" 2>/dev/null
    wait "$RC_KEEP" 2>/dev/null
}
CLEANUP_HOOKS+=(stop_client)
rc_read() { # seconds -> the next answer line of the client in REPLY
    read -r -t "$1" -u "${RC[0]}" REPLY || die "the running-container client did not answer; $(tail -5 "$WORK/rc.err")"
}
rc_read 90
while [[ $REPLY != ready ]]; do
    [[ $REPLY == warmup* ]] && result TTC_WARMUP_MS "${REPLY#warmup }"
    rc_read 60
done
# shellcheck disable=SC1091
source "$WORK/pebble.env"
PORT=$PEBBLE_HTTP_PORT
log "Pebble at $PEBBLE_DIR_URL, http-01 to 127.0.0.1:$PORT"

A=() B=() C=() D=() B_START=() B_ORDER=()
run_a() {
    settle
    echo "order $WORK/a$1 $DOMAIN" >&"${RC[1]}"
    rc_read 120
    [[ $REPLY == ok* ]] || die "(a) run $1: $REPLY"
    A+=("${REPLY#ok }")
}
start_timed_run() { # folder [homeserver.yaml's acme lines...]: the run's folder and config, Pebble's
                     # http-01 port free, a quiet machine; then T0 is the start time
    mkdir -p "$1"
    (($# < 2)) || homeserver_yaml "$1/homeserver.yaml" "${@:2}"
    wait_port_free "$PORT"
    settle
    T0=$(now)
}
run_b() { # run [stop-wait-seconds]
    local d=$WORK/b$1 pid i
    start_timed_run "$d" "enabled: true" "url: $PEBBLE_DIR_URL" "port: $PORT" "bind_addresses: ['127.0.0.1']" \
        "ca_certificates: $PEBBLE_CA" "account_key_file: account.key"
    spawn "$ROOT/jetty-base/run" "$d/homeserver.yaml" > "$d/jetty.log" 2>&1 < /dev/null
    pid=$SPAWNED
    for ((i = 0; ; i++)); do
        if [[ -s $d/tls/$DOMAIN.crt && -s $d/tls/$DOMAIN.key ]] && verify_pair "$d/tls/$DOMAIN.crt" "$d/tls/$DOMAIN.key"; then
            break
        fi
        kill -0 "$pid" 2>/dev/null || die "(b) run $1: Jetty exited: $(tail -5 "$d/jetty.log")"
        ((i < 4000)) || die "(b) run $1: no verified certificate within 80 s: $(tail -5 "$d/jetty.log")"
        sleep 0.02
    done
    B_LAST=$(ms_since "$T0")
    # the first start writes the class-data archive while it stops: give it the time
    stop_group "$pid" "${2:-5}"
    # breakdown from Jetty's log: its uptime when the server had started (deployment included),
    # and the provisioner's own "written ... in N ms"
    B_LAST_START=$(grep -o 'Started oejs.Server@[^ ]* @[0-9]*ms' "$d/jetty.log" | grep -o '[0-9]*ms$' | tr -d ms | tail -n 1 || true)
    B_LAST_ORDER=$(grep -o 'in [0-9,.]* ms: serial' "$d/jetty.log" | tr -d ',.' | grep -o '[0-9]*' | head -n 1 || true)
}
run_c() {
    local d=$WORK/c$1
    start_timed_run "$d"
    REQUESTS_CA_BUNDLE=$PEBBLE_CA certbot certonly --standalone --http-01-port "$PORT" --server "$PEBBLE_DIR_URL" \
        --config-dir "$d/config" --work-dir "$d/work" --logs-dir "$d/logs" --agree-tos \
        --register-unsafely-without-email --non-interactive -d "$DOMAIN" > "$d/out" 2>&1 \
        || die "(c) run $1: certbot failed: $(tail -5 "$d/out")"
    verify_pair "$d/config/live/$DOMAIN/fullchain.pem" "$d/config/live/$DOMAIN/privkey.pem" \
        || die "(c) run $1: certbot's files do not verify"
    C+=("$(ms_since "$T0")")
}
run_d() {
    local d=$WORK/d$1
    start_timed_run "$d"
    LEGO_CA_CERTIFICATES=$PEBBLE_CA lego --server "$PEBBLE_DIR_URL" --path "$d" --accept-tos \
        --email "bench$1@example.org" --http --http.port "127.0.0.1:$PORT" -d "$DOMAIN" run > "$d/out" 2>&1 \
        || die "(d) run $1: lego failed: $(tail -5 "$d/out")"
    verify_pair "$d/certificates/$DOMAIN.crt" "$d/certificates/$DOMAIN.key" || die "(d) run $1: lego's files do not verify"
    D+=("$(ms_since "$T0")")
}

# a fresh install: no start cache, no class-data archive, no cached config check
rm -rf "$ROOT/jetty-base/target/start"
log "(b) first start of the Jetty base (untimed in the statistics)"
run_b 0 60
result TTC_FIRST_MS "$B_LAST"
result TTC_FIRST_SERVER_STARTED_MS "${B_LAST_START:-?}"
result TTC_FIRST_ORDER_MS "${B_LAST_ORDER:-?}"
ls "$ROOT"/jetty-base/target/start/*.jsa* > /dev/null 2>&1 || log "warning: no class-data archive after the first start"
for ((r = 1; r <= RUNS; r++)); do
    run_a "$r"
    run_b "$r"
    B+=("$B_LAST") B_START+=("${B_LAST_START:-?}") B_ORDER+=("${B_LAST_ORDER:-?}")
    run_c "$r"
    run_d "$r"
    log "time to certificate, run $r/$RUNS: a ${A[-1]} ms, b ${B[-1]} ms, c ${C[-1]} ms, d ${D[-1]} ms"
    result TTC_RUNNING_MS "${A[@]}"
    result TTC_COLD_MS "${B[@]}"
    result TTC_CERTBOT_MS "${C[@]}"
    result TTC_LEGO_MS "${D[@]}"
    result TTC_COLD_SERVER_STARTED_MS "${B_START[@]}"
    result TTC_COLD_ORDER_MS "${B_ORDER[@]}"
done
summarize TTC_RUNNING_MS TTC_COLD_MS TTC_CERTBOT_MS TTC_LEGO_MS
