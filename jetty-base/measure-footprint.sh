#!/usr/bin/env bash
# Footprint of the service as installed (target/matrix-acme/bin/matrix-acme), against a local
# Pebble, with the service's JVM options and without them. Per run: a new homeserver.yaml and
# account (a first deployment), then launch -> listening (the port accepts a TCP connection: Jetty
# binds it before it deploys the WAR), launch -> serving (the first HTTP answer, from the deployed
# WAR), launch -> certificate files on disk, the JVM's CPU time (user + system, /proc/<pid>/stat)
# when it serves and when the certificate is there
# (less disturbed than wall time on a shared machine), and VmRSS / VmHWM from /proc/<pid>/status
# SETTLE seconds after the certificate. Configurations are interleaved run by run; each run waits until the CPUs were 90 %
# idle for 0.2 s (at most 5 s). Prints medians, min and max. Not part of the test suite (to move
# into bench/footprint.sh).
#   jetty-base/measure-footprint.sh [runs] [settle-seconds]      (default 5 runs, 30 s)
# Configurations: service = the service's options and its class-data archive (primed by one untimed
# start); no-archive = the same options, ACME_FAST_START=0; before = the options before this
# change (-XX:TieredStopAtLevel=1, G1, the JVM's default heap), no archive; jvm-defaults = no options.
set -euo pipefail
BASE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RUNS=${1:-5} SETTLE=${2:-30}
"$BASE/run" --build
LAUNCHER=$BASE/target/matrix-acme/bin/matrix-acme
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for ((p = $1; ; p++)); do port_free "$p" && { printf '%s' "$p"; return; }; done; }
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
idle() { # waits until the CPUs were >= 90 % idle over 0.2 s, at most 5 s
    local i t a1 a2 a3 a4 a5 a6 a7 a8 b1 b2 b3 b4 b5 b6 b7 b8
    for ((i = 0; i < 25; i++)); do
        read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ < /proc/stat
        sleep 0.2
        read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ < /proc/stat
        t=$(( (b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8) - (a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8) ))
        (( t > 0 && (b4 - a4) * 10 >= t * 9 )) && return 0
    done
    return 0
}

# Pebble
d=$W/pebble; mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=footprint CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$d/l.key" -out "$d/l.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' > "$d/ext"
openssl x509 -req -in "$d/l.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 -extfile "$d/ext" \
    -out "$d/l.crt" 2>/dev/null
HTTP=$(free_port 28009) ACME=$(free_port 28014) MGMT=$(free_port 28015)
printf '{"pebble": {"listenAddress": "127.0.0.1:%s", "managementListenAddress": "127.0.0.1:%s", "certificate": "%s", "privateKey": "%s", "httpPort": %s, "tlsPort": 5001, "ocspResponderURL": "", "externalAccountBindingRequired": false}}' \
    "$ACME" "$MGMT" "$d/l.crt" "$d/l.key" "$HTTP" > "$d/pebble.json"
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 setsid pebble -config "$d/pebble.json" > "$d/pebble.log" 2>&1 < /dev/null &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do curl -sf --cacert "$d/ca.pem" "https://localhost:$ACME/dir" > /dev/null 2>&1 && break; sleep 0.1; done

CONFIGS=(service no-archive before jvm-defaults)
TICK=$(getconf CLK_TCK)
cpu() { awk -v t="$TICK" '{ printf "%.0f", ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
run() { # configuration run-name -> appends "listen cert rss hwm" to $W/<configuration>
    local conf=$1 c=$W/$1-$2 t0 tl= ts= tc= cs= cc= pid i
    mkdir -p "$c"
    printf 'server_name: localhost\ntls_certificate_path: tls/l.crt\ntls_private_key_path: tls/l.key\nacme:\n  enabled: true\n  url: https://localhost:%s/dir\n  port: %s\n  bind_addresses: [127.0.0.1]\n  ca_certificates: %s\n  account_key_file: acme/account.key\n' \
        "$ACME" "$HTTP" "$d/ca.pem" > "$c/hs.yaml"
    while ! port_free "$HTTP"; do sleep 0.1; done
    local env=(MATRIX_ACME_CACHE="$W/cache-$conf")
    mkdir -p "$W/cache-$conf"
    case $conf in
        no-archive) env+=(ACME_FAST_START=0) ;;
        before) env+=(ACME_FAST_START=0 MATRIX_ACME_JVM_OPTIONS=-XX:TieredStopAtLevel=1 MALLOC_ARENA_MAX=) ;;
        jvm-defaults) env+=(ACME_FAST_START=0 MATRIX_ACME_JVM_OPTIONS= MALLOC_ARENA_MAX=) ;;
    esac
    idle
    t0=$(now)
    env "${env[@]}" setsid bash "$LAUNCHER" "$c/hs.yaml" > "$c/log" 2>&1 < /dev/null &
    pid=$!; PIDS+=("$pid")
    for ((i = 0; i < 12000; i++)); do
        [[ -z $tl ]] && ! port_free "$HTTP" && tl=$(now)
        if [[ -n $tl && -z $ts ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
                "http://127.0.0.1:$HTTP/.well-known/acme-challenge/probe") == 404 ]]; then
            ts=$(now); cs=$(cpu "$pid")
        fi
        [[ -n $ts && -s $c/tls/l.crt && -s $c/tls/l.key ]] && { tc=$(now); cc=$(cpu "$pid"); break; }
        kill -0 "$pid" 2>/dev/null || { echo "$conf: the service exited: $(tail -3 "$c/log")" >&2; exit 1; }
        sleep 0.005
    done
    sleep "$SETTLE"
    ms() { awk -v a="$t0" -v b="$1" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
    printf '%s %s %s %s %s %s %s\n' "$(ms "$tl")" "$(ms "$tc")" \
        "$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")" \
        "$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")" "$cs" "$cc" "$(ms "$ts")" >> "$W/$conf"
    kill -TERM "$pid"
    for ((i = 0; i < 900; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    wait "$pid" 2>/dev/null || true
}

run service prime > /dev/null && rm -f "$W/service"     # writes the class-data archive
for ((r = 1; r <= RUNS; r++)); do
    for conf in "${CONFIGS[@]}"; do run "$conf" "$r"; done
done

stat() { # file column -> "median (min-max)"
    awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ a[NR] = $1 } END { printf "%s (%s-%s)", a[int((NR + 1) / 2)], a[1], a[NR] }'
}
printf 'Service as installed, %d runs each, medians (min-max); RSS %d s after the certificate\n' "$RUNS" "$SETTLE"
printf '%-13s %-19s %-19s %-19s %-19s %-19s %-14s %-14s\n' configuration "launch->listen ms" "launch->serve ms" \
    "launch->cert ms" "CPU at serve ms" "CPU at cert ms" "VmRSS MiB" "VmHWM MiB"
for conf in "${CONFIGS[@]}"; do
    printf '%-13s %-19s %-19s %-19s %-19s %-19s %-14s %-14s\n' "$conf" "$(stat "$W/$conf" 1)" "$(stat "$W/$conf" 7)" \
        "$(stat "$W/$conf" 2)" "$(stat "$W/$conf" 5)" "$(stat "$W/$conf" 6)" "$(stat "$W/$conf" 3)" "$(stat "$W/$conf" 4)"
done
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'per run (listen cert rss hwm cpu-serve cpu-cert serve):\n'; for conf in "${CONFIGS[@]}"; do printf '  %s: %s\n' "$conf" "$(tr '\n' ';' < "$W/$conf")"; done
