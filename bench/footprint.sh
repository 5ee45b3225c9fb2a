#!/usr/bin/env bash
# Footprint of the service as installed (jetty-base/target/matrix-acme/bin/matrix-acme, the
# launcher the .deb and the tarball ship), against a local Pebble (no pebble-challtestsrv: the name
# is "localhost"), with the service's JVM options and without them, next to the same Jetty serving
# an empty webapp and to certbot. Configurations, interleaved run by run, each run started on a
# quiet machine (settle):
#   service       the service's JVM options and its class-data archive (primed by one untimed start)
#   no-archive    the same options, ACME_FAST_START=0
#   jvm-defaults  no options: MATRIX_ACME_JVM_OPTIONS= MALLOC_ARENA_MAX= ACME_FAST_START=0 (ServiceMain's
#                 Jetty and Weld settings and Jetty's thread pool, start.d/threadpool.ini, still apply:
#                 they are not JVM options)
#   empty         the same launcher, Jetty, options and config check, its own class-data archive
#                 (primed the same way), serving an empty webapp (only WEB-INF/web.xml: JAVA_OPTS
#                 -Dacme.war=<it>) instead of acme.war: the baseline; nothing provisions
#   certbot       certbot certonly --standalone for localhost, under /usr/bin/time
# Every service run has a new homeserver.yaml and account (a first deployment). Per run: launch ->
# listening (the port is in LISTEN state, /proc/net/tcp: Jetty binds it before it deploys the
# WAR), launch -> serving (the first HTTP answer, from the deployed webapp), launch -> certificate
# and key on disk (the chain is then checked against Pebble's root, untimed), the JVM's CPU time
# (user + system, /proc/<pid>/stat; less disturbed than wall time on a shared machine) at the
# certificate, and VmRSS / VmHWM from /proc/<pid>/status SETTLE seconds after the certificate (after
# serving for empty). certbot: its wall time (launch -> exit) and peak RSS (/usr/bin/time's
# maximum resident set size). Not part of the test suite.
#
#   bench/footprint.sh [runs] [settle-seconds]      (default 3 runs, 20 s)
#
# Result lines (bench/lib.sh), one value per run, for CONF in SERVICE NO_ARCHIVE JVM_DEFAULTS EMPTY:
# FOOTPRINT_<CONF>_LISTEN_MS, _SERVE_MS, _CERT_MS (not for EMPTY), _CPU_MS (at the certificate;
# EMPTY: at serving), _RSS_MIB (VmRSS), _HWM_MIB (VmHWM); FOOTPRINT_CERTBOT_MS,
# FOOTPRINT_CERTBOT_PEAK_MIB. Setting: FOOTPRINT_SETTLE_S.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble certbot:certbot /usr/bin/time:time openssl:openssl
       curl:curl python3:python3)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init footprint "$@"
FP_RUNS=${1:-3} FP_SETTLE=${2:-20}
[[ $FP_RUNS =~ ^[1-9][0-9]*$ && $FP_SETTLE =~ ^[0-9]+$ ]] || die "usage: bench/footprint.sh [runs] [settle-seconds]"
"$ROOT/jetty-base/run" --build
LAUNCHER=$ROOT/jetty-base/target/matrix-acme/bin/matrix-acme
CONFIGS=(service no-archive jvm-defaults empty)
note "footprint: the service as installed ($(java -version 2>&1 | sed -n 1p)), against a local Pebble, $FP_RUNS runs" \
    "per configuration interleaved (${CONFIGS[*]} certbot), VmRSS/VmHWM $FP_SETTLE s after the certificate" \
    "(empty: after serving); the service's options: $(bash "$LAUNCHER" --jvm-options | tr '\n' ' ')MALLOC_ARENA_MAX=2"
result FOOTPRINT_SETTLE_S "$FP_SETTLE"

# ------------------------------------------------------------------ Pebble, for "localhost"
P=$WORK/pebble
mkdir -p "$P"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=footprint CA" \
    -keyout "$P/ca.key" -out "$P/ca.pem" -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$P/tls.key" -out "$P/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' > "$P/ext"
openssl x509 -req -in "$P/tls.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 2 -extfile "$P/ext" \
    -out "$P/tls.crt" 2>/dev/null
HTTP_PORT=$(free_port) ACME_PORT=$(free_port) MGMT_PORT=$(free_port)
printf '{"pebble": {"listenAddress": "127.0.0.1:%s", "managementListenAddress": "127.0.0.1:%s", "certificate": "%s", "privateKey": "%s", "httpPort": %s, "tlsPort": 5001, "ocspResponderURL": "", "externalAccountBindingRequired": false}}\n' \
    "$ACME_PORT" "$MGMT_PORT" "$P/tls.crt" "$P/tls.key" "$HTTP_PORT" > "$P/pebble.json"
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 spawn pebble -config "$P/pebble.json" > "$P/pebble.log" 2>&1 < /dev/null
DIR_URL=https://localhost:$ACME_PORT/dir
for ((i = 0; i < 100; i++)); do curl -sf --cacert "$P/ca.pem" "$DIR_URL" > /dev/null && break; sleep 0.1; done
curl -sf --cacert "$P/ca.pem" "$DIR_URL" > /dev/null || die "Pebble did not start: $(tail -5 "$P/pebble.log")"
# Pebble's roots, for checking the chains on disk
curl -sf --cacert "$P/ca.pem" "https://localhost:$MGMT_PORT/roots/0" > "$P/root.pem" || die "cannot fetch Pebble's root"
log "Pebble at $DIR_URL, http-01 to port $HTTP_PORT"

mkdir -p "$WORK/empty/WEB-INF"
printf '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n' > "$WORK/empty/WEB-INF/web.xml"

# ------------------------------------------------------------------ one run
TICK=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TICK" '{ printf "%.0f", ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
status_mib() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
listening() { # port: a socket in LISTEN state on it (no connect: see port_free in lib.sh); Java's
    # sockets are IPv6 ones (127.0.0.1 as ::ffff:127.0.0.1)
    local hex
    printf -v hex '%04X' "$1"
    grep -q -E ":$hex 0+:0000 0A " /proc/net/tcp /proc/net/tcp6
}
chain_verifies() { # chain key
    local leaf=$WORK/leaf.pem
    openssl x509 -in "$1" -out "$leaf" 2>/dev/null \
        && openssl verify -CAfile "$P/root.pem" -untrusted "$1" -purpose sslserver "$leaf" >/dev/null 2>&1 \
        && cmp -s <(openssl pkey -in "$2" -pubout 2>/dev/null) <(openssl x509 -in "$1" -noout -pubkey 2>/dev/null)
}
declare -A LISTEN=() SERVE=() CERT=() CPU=() RSS=() HWM=()
run_service() { # configuration run-name [stop-wait-seconds]: one start of the launcher, its figures appended
    local conf=$1 d=$WORK/$1-$2 t0 tl='' ts='' tc='' cpu='' pid
    local env=("MATRIX_ACME_CACHE=$WORK/cache-$conf")
    mkdir -p "$d" "$WORK/cache-$conf"
    printf 'server_name: localhost\ntls_certificate_path: tls/localhost.crt\ntls_private_key_path: tls/localhost.key\nacme:\n  enabled: true\n  url: %s\n  port: %s\n  bind_addresses: [127.0.0.1]\n  ca_certificates: %s\n  account_key_file: acme/account.key\n' \
        "$DIR_URL" "$HTTP_PORT" "$P/ca.pem" > "$d/homeserver.yaml"
    case $conf in
        no-archive) env+=(ACME_FAST_START=0) ;;
        jvm-defaults) env+=(ACME_FAST_START=0 MATRIX_ACME_JVM_OPTIONS= MALLOC_ARENA_MAX=) ;;
        empty) env+=("JAVA_OPTS=-Dacme.war=$WORK/empty") ;;
    esac
    wait_port_free "$HTTP_PORT"
    settle
    t0=$(now)
    spawn env "${env[@]}" bash "$LAUNCHER" "$d/homeserver.yaml" > "$d/log" 2>&1 < /dev/null
    pid=$SPAWNED
    while :; do
        [[ -z $tl ]] && listening "$HTTP_PORT" && tl=$(now)
        if [[ -n $tl && -z $ts ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
                "http://127.0.0.1:$HTTP_PORT/.well-known/acme-challenge/probe") != 000 ]]; then
            ts=$(now)
            [[ $conf == empty ]] && { cpu=$(cpu_ms "$pid"); break; }
        fi
        [[ -n $ts && -s $d/tls/localhost.crt && -s $d/tls/localhost.key ]] && { tc=$(now); cpu=$(cpu_ms "$pid"); break; }
        kill -0 "$pid" 2>/dev/null || die "$conf, run $2: the service exited: $(tail -5 "$d/log")"
        (($(now | cut -d. -f1) - ${t0%.*} < 120)) || die "$conf, run $2: not done within 120 s (listening '$tl'," \
            "serving '$ts'): $(tail -5 "$d/log")"
        sleep 0.005
    done
    [[ -z $tc ]] || chain_verifies "$d/tls/localhost.crt" "$d/tls/localhost.key" \
        || die "$conf, run $2: the certificate on disk does not verify against Pebble's root"
    sleep "$FP_SETTLE"
    ms() { awk -v a="$t0" -v b="$1" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
    LISTEN[$conf]+=" $(ms "$tl")" SERVE[$conf]+=" $(ms "$ts")" CPU[$conf]+=" $cpu"
    [[ -z $tc ]] || CERT[$conf]+=" $(ms "$tc")"
    RSS[$conf]+=" $(status_mib "$pid" VmRSS)" HWM[$conf]+=" $(status_mib "$pid" VmHWM)"
    stop_group "$pid" "${3:-30}"
}
CERTBOT_MS=() CERTBOT_PEAK=()
run_certbot() { # run-name
    local d=$WORK/certbot-$1 t0
    mkdir -p "$d"
    wait_port_free "$HTTP_PORT"
    settle
    t0=$(now)
    REQUESTS_CA_BUNDLE=$P/ca.pem /usr/bin/time -o "$d/peak" -f %M certbot certonly --standalone \
        --server "$DIR_URL" --http-01-port "$HTTP_PORT" --config-dir "$d/config" --work-dir "$d/work" \
        --logs-dir "$d/logs" --register-unsafely-without-email --agree-tos -n -d localhost > "$d/out" 2>&1 \
        || die "certbot, run $1: failed: $(tail -5 "$d/out")"
    CERTBOT_MS+=("$(ms_since "$t0")")
    chain_verifies "$d/config/live/localhost/fullchain.pem" "$d/config/live/localhost/privkey.pem" \
        || die "certbot, run $1: its files do not verify against Pebble's root"
    CERTBOT_PEAK+=("$(awk '{ printf "%.0f", $1 / 1024 }' "$d/peak")")
}

# the first start with an archive cache writes the archive when it stops: untimed, given the time
log "priming the class-data archives (one untimed start each of service and empty)"
run_service service prime 60
run_service empty prime 60
for conf in service empty; do   # the launcher maps classes.jsa, or the archive a start that served wrote
    compgen -G "$WORK/cache-$conf/classes.jsa*.served" > /dev/null || [[ -f $WORK/cache-$conf/classes.jsa ]] \
        || die "the priming start of $conf wrote no class-data archive: $(ls "$WORK/cache-$conf")"
done
LISTEN=() SERVE=() CERT=() CPU=() RSS=() HWM=()

key() { local k=${1^^}; printf 'FOOTPRINT_%s' "${k//-/_}"; }
last() { printf '%s' "${1##* }"; }
keys=()
for ((r = 1; r <= FP_RUNS; r++)); do
    for conf in "${CONFIGS[@]}"; do
        run_service "$conf" "$r"
        k=$(key "$conf")
        # shellcheck disable=SC2086 # the lists are space-separated numbers
        {
            result "${k}_LISTEN_MS" ${LISTEN[$conf]}
            result "${k}_SERVE_MS" ${SERVE[$conf]}
            [[ $conf == empty ]] || result "${k}_CERT_MS" ${CERT[$conf]}
            result "${k}_CPU_MS" ${CPU[$conf]}
            result "${k}_RSS_MIB" ${RSS[$conf]}
            result "${k}_HWM_MIB" ${HWM[$conf]}
        }
        log "footprint, run $r/$FP_RUNS, $conf: listening $(last "${LISTEN[$conf]}") ms, serving" \
            "$(last "${SERVE[$conf]}") ms, certificate $(last "${CERT[$conf]:-n/a}") ms," \
            "VmRSS $(last "${RSS[$conf]}") MiB, VmHWM $(last "${HWM[$conf]}") MiB"
    done
    run_certbot "$r"
    result FOOTPRINT_CERTBOT_MS "${CERTBOT_MS[@]}"
    result FOOTPRINT_CERTBOT_PEAK_MIB "${CERTBOT_PEAK[@]}"
    log "footprint, run $r/$FP_RUNS, certbot: ${CERTBOT_MS[-1]} ms, peak RSS ${CERTBOT_PEAK[-1]} MiB"
done
note "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for conf in "${CONFIGS[@]}"; do
    k=$(key "$conf")
    keys+=("${k}_LISTEN_MS" "${k}_SERVE_MS")
    [[ $conf == empty ]] || keys+=("${k}_CERT_MS")
    keys+=("${k}_CPU_MS" "${k}_RSS_MIB" "${k}_HWM_MIB")
done
summarize "${keys[@]}" FOOTPRINT_CERTBOT_MS FOOTPRINT_CERTBOT_PEAK_MIB
