#!/usr/bin/env bash
# All benchmarks of issue #7 in one run: prints a table and regenerates BENCHMARKS.md.
# Not part of the test suite. About 10 minutes on a 2-core machine (limit: 15).
#
#   bench/run-all.sh            build what is missing, run everything, write BENCHMARKS.md
#   RUNS=7 bench/run-all.sh     runs per client for the time to certificate (default 5, at least 5)
#   WRK_SECONDS=8 ...           length of one wrk round (default 5; WRK_ROUNDS=7 rounds per configuration;
#                               the filter-overhead pair gets PAIRS=21 rounds of PAIR_SECONDS=3)
#   WARMUP_SECONDS=20 ...       wrk warm-up of each JVM configuration before its rounds (default 15)
#   NO_WRITE=1 ...              print the table only, leave BENCHMARKS.md alone
#   STEPS="challenge scale" ... only these steps (time_to_certificate filter_overhead challenge footprint scale)
#   KEEP_WORK=1 ...             keep the work folder (logs of every step)
#
# Needs (Debian packages): openjdk-17-jdk-headless maven pebble certbot lego wrk nginx openssl curl.
# As root it installs the missing ones with apt-get; otherwise it names them and stops.
#
# Every step runs in a subshell of its own with its own clean-up (trap) and a time limit: a step
# that fails or hangs ends up as "failed: <why>" in the table, and the run goes on.
#
# What it measures (every client against the same local Pebble, one Pebble for the whole run,
# PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, pebble-challtestsrv resolving every name to
# 127.0.0.1; the ACME server name is "localhost" with a throwaway CA):
#  1. time to certificate, one name (matrix.example.org), fresh account each run, runs interleaved
#     a,b,c,d,a,b,c,d... on Pebble's one http-01 port, each on a quiet machine (settle below):
#     a) the provisioner in a running embedded Jetty with the challenge filter
#        (RunningContainerClient: order start -> files on disk verified; one warm-up order first)
#     b) acme.war in the Jetty base, launched with jetty-base/run homeserver.yaml, from the launch
#        to the files verified; one untimed first start before (it builds the start cache and writes
#        the class-data archive when it stops), reported apart
#     c) certbot certonly --standalone, launch -> exit -> files verified
#     d) lego --http run, launch -> exit -> files verified
#  2. filter overhead: wrk on /index.html of acme.war (ACME disabled) vs the same WAR without the
#     filter's declaration; both with the JVM's default settings (a container serving an application);
#     for information also a webapp holding only that index.html, and acme.war with the Jetty base's
#     JVM options
#  3. challenge endpoint: wrk on a pending token (200) and an unknown token (404): the filter in an
#     embedded Jetty (ChallengeServer) vs nginx serving the same token from a webroot
#  4. footprint: bench/footprint.sh (Jetty RSS / heap / start time, acme.war vs an empty webapp)
#  5. scale: bench/scale.sh when it exists (100-name certificate, 50 certificates in one pass)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"
RUNS=${RUNS:-5}
WRK_SECONDS=${WRK_SECONDS:-5}
WRK_ROUNDS=${WRK_ROUNDS:-7}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
PAIR_SECONDS=${PAIR_SECONDS:-3}     # filter overhead: PAIRS shorter rounds of its pair
PAIRS=${PAIRS:-21}                  # (its ratio is near 1 and this machine's noise is +-15 % per round)
WRK_ARGS=(-t2 -c32)
NAME=matrix.example.org
JETTY_HOME=$ROOT/jetty-base/target/jetty-home-12.1.8
WAR=$ROOT/acme-war/target/acme.war
((RUNS >= 5)) || { echo "RUNS must be at least 5" >&2; exit 2; }

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'run-all: %s\n' "$*" >&2; exit 1; }
T_START=$(now)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# other processes using CPU when the run starts (a benchmark on a shared machine is only as good as its quiet)
OTHERS=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 >= 5 { printf "%s%s %s%%", (n++ ? ", " : ""), $2, $1 }')

# ------------------------------------------------------------------ tools
need_pkgs=()
for t in java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven pebble:pebble \
         pebble-challtestsrv:pebble certbot:certbot lego:lego wrk:wrk nginx:nginx openssl:openssl curl:curl \
         jcmd:openjdk-17-jdk-headless; do
    command -v "${t%%:*}" >/dev/null || need_pkgs+=("${t#*:}")
done
if ((${#need_pkgs[@]})); then
    mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
    if [[ $(id -u) == 0 ]]; then
        log "installing ${need_pkgs[*]}"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}"; } >/dev/null \
            || die "apt-get install -y ${need_pkgs[*]} failed"
    else
        die "missing tools: run 'sudo apt-get install -y ${need_pkgs[*]}'"
    fi
fi

# ------------------------------------------------------------------ build
WORK=$(mktemp -d /tmp/bench-run-all.XXXXXX)
chmod 755 "$WORK"
if [[ ! -f $WAR || ! -f $JETTY_HOME/start.jar || ! -f $ROOT/jetty-base/target/webapp/acme.war ]]; then
    log "building (mvn -q -B -DskipTests install)"
    mvn -q -B -Dstyle.color=never -DskipTests install > "$WORK/build.log" 2>&1 \
        || die "the build failed: $(tail -20 "$WORK/build.log")"
fi
log "compiling the bench helpers (acme-filter test classes)"
mvn -q -B -Dstyle.color=never -pl acme-filter test-compile > "$WORK/build.log" 2>&1 \
    || die "mvn -pl acme-filter test-compile failed: $(tail -20 "$WORK/build.log")"
mvn -q -B -Dstyle.color=never -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/build.log" 2>&1 || die "cannot compute the test class path"
CP="$ROOT/acme-filter/target/test-classes:$ROOT/acme-filter/target/classes:$(cat "$WORK/cp.txt")"
mapfile -t BASE_JVM_OPTS < <("$ROOT/jetty-base/run" --jvm-options)

# ------------------------------------------------------------------ steps
# A step is a function run in a subshell (set -e inside) with a time limit. It records what it
# measured with `result NAME value...` (sourced by the main shell afterwards) and starts its
# processes with `spawn`, so that its EXIT trap stops exactly those, however it ends.
declare -A STEP_ERROR=()
STEP_PID=
result() { # name values... -> NAME=(values) for the main shell
    local n=$1
    shift
    printf '%s=(%s)\n' "$n" "${*@Q}" >> "$RESULTS"
}
spawn() { # command... : in a new process group (setsid), remembered for the clean-up; sets SPAWNED
    setsid "$@" <&0 &    # <&0: else a background command's stdin is /dev/null, not the caller's redirection
    SPAWNED=$!
    printf '%s\n' "$SPAWNED" >> "$PGROUP_FILE"
}
stop_group() { # pid [seconds]: TERM the process group, wait for it (default 5 s), then KILL
    local p=$1 i
    kill -TERM -- "-$p" 2>/dev/null || true
    for ((i = 0; i < ${2:-5} * 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
step_cleanup() {
    local p
    set +e
    [[ -f $PGROUP_FILE ]] || return 0
    while read -r p; do kill -TERM -- "-$p" 2>/dev/null; done < "$PGROUP_FILE"
    sleep 0.5
    while read -r p; do kill -KILL -- "-$p" 2>/dev/null; done < "$PGROUP_FILE"
}
run_step() { # name function seconds
    local name=$1 fn=$2 limit=$3 rc wd
    if [[ -n ${STEPS:-} && " $STEPS " != *" $name "* ]]; then
        STEP_ERROR[$name]="not run (STEPS=$STEPS)"
        return 0
    fi
    RESULTS=$WORK/$name.results
    PGROUP_FILE=$WORK/$name.pgroups
    : > "$RESULTS"
    : > "$PGROUP_FILE"
    log "step $name (limit ${limit} s)"
    (
        set -eo pipefail
        trap step_cleanup EXIT
        trap 'exit 143' TERM
        trap 'exit 130' INT
        "$fn"
    ) > "$WORK/$name.out" 2> >(tee "$WORK/$name.err" >&2) &
    STEP_PID=$!
    (
        sleep "$limit" &
        s=$!
        trap 'kill "$s" 2>/dev/null; exit 0' TERM
        wait "$s" || exit 0
        log "step $name: time limit of $limit s reached, stopping it"
        : > "$WORK/$name.timeout"
        kill -TERM "$STEP_PID"
    ) 2>/dev/null &
    wd=$!
    WATCHDOG_PID=$wd
    wait "$STEP_PID"
    rc=$?
    STEP_PID=
    kill "$wd" 2>/dev/null
    wait "$wd" 2>/dev/null
    sleep 0.2   # lets tee write the step's last lines
    # shellcheck disable=SC1090
    source "$RESULTS"
    if ((rc != 0)); then
        local why
        why=$(grep -v '^\[[0-9:]*\] ' "$WORK/$name.err" | grep -v '^\s*$' | tail -n 3 | tr '\n' ' ' | cut -c1-300)
        [[ -f $WORK/$name.timeout ]] && why="stopped after its time limit of $limit s. ${why}"
        STEP_ERROR[$name]="failed (exit $rc): ${why:-no message}"
        log "step $name ${STEP_ERROR[$name]}"
    fi
}
on_signal() {
    [[ -n ${WATCHDOG_PID:-} ]] && kill -TERM "$WATCHDOG_PID" 2>/dev/null
    [[ -n $STEP_PID ]] && kill -TERM "$STEP_PID" 2>/dev/null && wait "$STEP_PID" 2>/dev/null
    exit "$1"
}
finish() { [[ -n ${KEEP_WORK:-} ]] && log "work folder kept: $WORK" || rm -rf "$WORK"; }
trap finish EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# "free" means nothing listens: a bind test, not a connect test (polling a port of the ephemeral
# range with connect() can end in a TCP self-connection, which looks like a listener)
port_free() {
    python3 -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(1)' "$1"
}
wait_http() { # url seconds: until something answers HTTP there
    local i
    for ((i = 0; i < $2 * 10; i++)); do [[ $(status_of "$1") != 000 ]] && return 0; sleep 0.1; done
    return 1
}
wait_port_free() { # port
    local i
    for ((i = 0; i < 200; i++)); do port_free "$1" && return 0; sleep 0.05; done
    die "port $1 still in use: $(ss -ltnp "sport = :$1" 2>/dev/null | tail -n +2)"
}
# Waits (at most 3 s) until the CPUs were at least 90 % idle over 0.2 s: a timed run starts on a quiet
# machine, not in the tail of the previous one (a JVM still compiling, a server still stopping).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $6 + $7 + $8, $5 }' /proc/stat; }   # -> "busy idle"
settle() {
    local i a b
    for ((i = 0; i < 15; i++)); do
        a=$(cpu_ticks); sleep 0.2; b=$(cpu_ticks)
        awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
            busy = y[1] - x[1]; idle = y[2] - x[2]; exit !(busy + idle > 0 && idle / (busy + idle) >= 0.9) }' && return 0
    done
    return 0
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------ statistics
stats() { # values... -> "median min max" (median: middle value, or mean of the two middle ones)
    (($#)) || { echo "n/a n/a n/a"; return; }
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%s %s %s\n", m, a[1], a[NR] }'
}
median() { stats "$@" | awk '{ print $1 }'; }
pair_ratios() { # name-of-array-A name-of-array-B -> A[i]/B[i] for each round i (rounds measured back to back)
    local -n xs=$1 ys=$2
    local i
    for ((i = 0; i < ${#xs[@]} && i < ${#ys[@]}; i++)); do ratio "${xs[i]}" "${ys[i]}"; echo; done
}
paired() { # name-of-array-A name-of-array-B -> the median of the per-round ratios
    local r
    mapfile -t r < <(pair_ratios "$1" "$2" | grep -v n/a)
    ((${#r[@]})) && printf '%.3f' "$(median "${r[@]}")" || echo n/a
}
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "n/a"; else printf "%.3f", a / b }'; }
meets() { # value op target -> yes/NO/n/a
    [[ $1 =~ ^[0-9.]+$ ]] || { echo "n/a"; return; }
    awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "yes" : "**NO**" }'
}
rps() { # url seconds -> requests/s; fails when wrk reports errors or non-2xx/3xx answers for a 200 url
    local out
    out=$(wrk "${WRK_ARGS[@]}" -d"$2"s "$1" 2>&1) || { echo "wrk failed: $out" >&2; return 1; }
    printf '%s\n' "$out" >> "$WORK/wrk.log"
    awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out"
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }

# ------------------------------------------------------------------ verification of issued files
verify_pair() { # certificate(chain) key -> 0 when the chain verifies against Pebble's root and the key matches
    local crt=$1 key=$2 leaf
    leaf=$(mktemp "$WORK/leaf.XXXXXX")
    openssl x509 -in "$crt" -out "$leaf" 2>/dev/null || return 1
    openssl verify -CAfile "$PEBBLE_ROOT" -untrusted "$crt" -purpose sslserver "$leaf" >/dev/null 2>&1 || return 1
    rm -f "$leaf"
    cmp -s <(openssl pkey -in "$key" -pubout 2>/dev/null) <(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)
}

# ================================================================== 1. time to certificate
step_time_to_certificate() {
    log "starting Pebble (with pebble-challtestsrv) and the running-container client"
    coproc RC { exec java -cp "$CP" dev.acmefilter.bench.RunningContainerClient "$WORK/pebble.env" 2>"$WORK/rc.err"; }
    RC_KEEP=$RC_PID   # bash unsets RC_PID once the client has exited; the trap below still needs it
    printf '%s\n' "$RC_KEEP" >> "$PGROUP_FILE"   # same group as the step: its Pebble dies with its shutdown hook
    # set +e: under set -e, the client's exit status 143 from wait would become the step's
    trap 'set +e; echo quit >&"${RC[1]}" 2>/dev/null
          for ((i = 0; i < 50; i++)); do kill -0 "$RC_KEEP" 2>/dev/null || break; sleep 0.1; done
          kill -TERM "$RC_KEEP" 2>/dev/null; wait "$RC_KEEP" 2>/dev/null; step_cleanup' EXIT
    rc_read() { # seconds -> the next answer line of the client in REPLY
        read -r -t "$1" -u "${RC[0]}" REPLY || die "the running-container client did not answer; $(tail -5 "$WORK/rc.err")"
    }
    rc_read 90
    while [[ $REPLY != ready ]]; do
        [[ $REPLY == warmup* ]] && result WARMUP_MS "${REPLY#warmup }"
        rc_read 60
    done
    # shellcheck disable=SC1091
    source "$WORK/pebble.env"
    PORT=$PEBBLE_HTTP_PORT
    log "Pebble at $PEBBLE_DIR_URL, http-01 to 127.0.0.1:$PORT"

    A=() B=() C=() D=() B_START=() B_ORDER=()
    run_a() {
        settle
        echo "order $WORK/a$1 $NAME" >&"${RC[1]}"
        rc_read 120
        [[ $REPLY == ok* ]] || die "(a) run $1: $REPLY"
        A+=("${REPLY#ok }")
    }
    run_b() { # run [stop-wait-seconds]
        local d=$WORK/b$1 t0 pid i
        mkdir -p "$d"
        cat > "$d/homeserver.yaml" <<EOF
server_name: $NAME
tls_certificate_path: tls/$NAME.crt
tls_private_key_path: tls/$NAME.key
acme:
  enabled: true
  url: $PEBBLE_DIR_URL
  port: $PORT
  bind_addresses: ['127.0.0.1']
  ca_certificates: $PEBBLE_CA
  account_key_file: account.key
EOF
        wait_port_free "$PORT"
        settle
        t0=$(now)
        spawn "$ROOT/jetty-base/run" "$d/homeserver.yaml" > "$d/jetty.log" 2>&1 < /dev/null
        pid=$SPAWNED
        for ((i = 0; ; i++)); do
            if [[ -s $d/tls/$NAME.crt && -s $d/tls/$NAME.key ]] && verify_pair "$d/tls/$NAME.crt" "$d/tls/$NAME.key"; then
                break
            fi
            kill -0 "$pid" 2>/dev/null || die "(b) run $1: Jetty exited: $(tail -5 "$d/jetty.log")"
            ((i < 4000)) || die "(b) run $1: no verified certificate within 80 s: $(tail -5 "$d/jetty.log")"
            sleep 0.02
        done
        B_LAST=$(ms_since "$t0")
        # the first start writes the class-data archive while it stops: give it the time
        stop_group "$pid" "${2:-5}"
        # breakdown from Jetty's log: its uptime when the server had started (deployment included),
        # and the provisioner's own "written ... in N ms"
        B_LAST_START=$(grep -o 'Started oejs.Server@[^ ]* @[0-9]*ms' "$d/jetty.log" | grep -o '[0-9]*ms$' | tr -d ms | tail -n 1 || true)
        B_LAST_ORDER=$(grep -o 'in [0-9,.]* ms: serial' "$d/jetty.log" | tr -d ',.' | grep -o '[0-9]*' | head -n 1 || true)
    }
    run_c() {
        local d=$WORK/c$1 t0
        mkdir -p "$d"
        wait_port_free "$PORT"
        settle
        t0=$(now)
        REQUESTS_CA_BUNDLE=$PEBBLE_CA certbot certonly --standalone --http-01-port "$PORT" --server "$PEBBLE_DIR_URL" \
            --config-dir "$d/config" --work-dir "$d/work" --logs-dir "$d/logs" --agree-tos \
            --register-unsafely-without-email --non-interactive -d "$NAME" > "$d/out" 2>&1 \
            || die "(c) run $1: certbot failed: $(tail -5 "$d/out")"
        verify_pair "$d/config/live/$NAME/fullchain.pem" "$d/config/live/$NAME/privkey.pem" \
            || die "(c) run $1: certbot's files do not verify"
        C+=("$(ms_since "$t0")")
    }
    run_d() {
        local d=$WORK/d$1 t0
        mkdir -p "$d"
        wait_port_free "$PORT"
        settle
        t0=$(now)
        LEGO_CA_CERTIFICATES=$PEBBLE_CA lego --server "$PEBBLE_DIR_URL" --path "$d" --accept-tos \
            --email "bench$1@example.org" --http --http.port "127.0.0.1:$PORT" -d "$NAME" run > "$d/out" 2>&1 \
            || die "(d) run $1: lego failed: $(tail -5 "$d/out")"
        verify_pair "$d/certificates/$NAME.crt" "$d/certificates/$NAME.key" || die "(d) run $1: lego's files do not verify"
        D+=("$(ms_since "$t0")")
    }
    # a fresh install: no start cache, no class-data archive, no cached config check
    rm -rf "$ROOT/jetty-base/target/start"
    log "(b) first start of the Jetty base (untimed in the statistics)"
    run_b 0 60
    result B_FIRST "$B_LAST" "${B_LAST_START:-?}" "${B_LAST_ORDER:-?}"
    ls "$ROOT"/jetty-base/target/start/*.jsa* > /dev/null 2>&1 || log "warning: no class-data archive after the first start"
    for ((r = 1; r <= RUNS; r++)); do
        run_a "$r"
        run_b "$r"
        B+=("$B_LAST") B_START+=("${B_LAST_START:-}") B_ORDER+=("${B_LAST_ORDER:-}")
        run_c "$r"
        run_d "$r"
        log "time to certificate, run $r/$RUNS: a ${A[-1]} ms, b ${B[-1]} ms, c ${C[-1]} ms, d ${D[-1]} ms"
        result A "${A[@]}"; result B "${B[@]}"; result C "${C[@]}"; result D "${D[@]}"
        result B_START "${B_START[@]}"; result B_ORDER "${B_ORDER[@]}"
    done
}

# ================================================================== 2. filter overhead
start_base() { # name war-or-dir config [jvm options...] -> sets SB_PID and SB_PORT
    local name=$1 war=$2 config=$3 base=$WORK/base-$1 port
    shift 3
    mkdir -p "$base/webapps" "$base/environments"
    cp -r "$ROOT/jetty-base/start.d" "$ROOT/jetty-base/resources" "$base/"
    cat > "$base/webapps/root.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
<Configure class="org.eclipse.jetty.ee10.webapp.WebAppContext">
  <Set name="contextPath">/</Set>
  <Set name="war">$war</Set>
</Configure>
XML
    port=$(free_port)
    spawn java "$@" "-Dacme.config=$config" -jar "$JETTY_HOME/start.jar" "jetty.home=$JETTY_HOME" "jetty.base=$base" \
        "jetty.http.port=$port" jetty.http.host=127.0.0.1 > "$WORK/$name.log" 2>&1 < /dev/null
    SB_PID=$SPAWNED SB_PORT=$port
}
await_started() { # name
    local i
    for ((i = 0; i < 1800; i++)); do
        grep -q 'Started oejs.Server' "$WORK/$1.log" 2>/dev/null && return 0
        sleep 0.05
    done
    die "Jetty ($1) did not start: $(tail -5 "$WORK/$1.log")"
}
step_filter_overhead() {
    mkdir -p "$WORK/hs" "$WORK/nofilter" "$WORK/plain/WEB-INF"
    cat > "$WORK/hs/homeserver.yaml" <<EOF
server_name: $NAME
tls_certificate_path: tls/$NAME.crt
tls_private_key_path: tls/$NAME.key
acme:
  enabled: false
EOF
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
    local names=(war nofilter plain war-base) n p r
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
    # the pair that decides the target: twice as many rounds, each round's pair back to back in
    # alternating order (A B, B A, ...), so that a change of the machine's load hits both alike
    F_WAR=() F_NOF=() F_PLAIN=() F_DEFJIT=()
    local u_war=http://127.0.0.1:${PORTS[war]}/index.html u_nof=http://127.0.0.1:${PORTS[nofilter]}/index.html
    for ((r = 1; r <= PAIRS; r++)); do
        settle
        if ((r % 2)); then
            F_WAR+=("$(rps "$u_war" "$PAIR_SECONDS")"); F_NOF+=("$(rps "$u_nof" "$PAIR_SECONDS")")
        else
            F_NOF+=("$(rps "$u_nof" "$PAIR_SECONDS")"); F_WAR+=("$(rps "$u_war" "$PAIR_SECONDS")")
        fi
        if ((r % 2 == 0)); then
            F_PLAIN+=("$(rps "http://127.0.0.1:${PORTS[plain]}/index.html" "$PAIR_SECONDS")")
            F_DEFJIT+=("$(rps "http://127.0.0.1:${PORTS[war-base]}/index.html" "$PAIR_SECONDS")")
        fi
        local more=""
        ((r % 2)) || more=", index.html only ${F_PLAIN[-1]}, acme.war with the base's options ${F_DEFJIT[-1]}"
        log "filter overhead, round $r/$PAIRS: acme.war ${F_WAR[-1]}, without filter ${F_NOF[-1]}$more req/s"
        result F_WAR "${F_WAR[@]}"; result F_NOF "${F_NOF[@]}"; result F_PLAIN "${F_PLAIN[@]}"; result F_DEFJIT "${F_DEFJIT[@]}"
    done
}

# ================================================================== 3. challenge endpoint
step_challenge() {
    local token keyauth port_ch port_ng u_ch u_ng r
    token=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    keyauth="$token.$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    port_ch=$(free_port)
    # its stdin: a FIFO opened read-write, which never ends; the step's clean-up stops the server
    mkfifo "$WORK/ch.in"
    spawn java -cp "$CP" dev.acmefilter.bench.ChallengeServer "$port_ch" "$token" "$keyauth" \
        0<> "$WORK/ch.in" > "$WORK/ch.out" 2> "$WORK/ch.log"
    mkdir -p "$WORK/nginx/root/.well-known/acme-challenge" "$WORK/nginx/logs"
    printf '%s' "$keyauth" > "$WORK/nginx/root/.well-known/acme-challenge/$token"
    chmod -R a+rX "$WORK/nginx"
    port_ng=$(free_port)
    cat > "$WORK/nginx/nginx.conf" <<EOF
# nginx's stock settings (access log on, one worker per core), a webroot for the challenge
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/tmp-body;
    proxy_temp_path $WORK/nginx/tmp-proxy;
    fastcgi_temp_path $WORK/nginx/tmp-fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp-uwsgi;
    scgi_temp_path $WORK/nginx/tmp-scgi;
    server {
        listen 127.0.0.1:$port_ng;
        root $WORK/nginx/root;
        location /.well-known/acme-challenge/ { default_type text/plain; }
    }
}
EOF
    spawn nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' > "$WORK/nginx/logs/stdout" 2>&1 < /dev/null
    u_ch=http://127.0.0.1:$port_ch/.well-known/acme-challenge
    u_ng=http://127.0.0.1:$port_ng/.well-known/acme-challenge
    wait_http "$u_ch/" 60 || die "ChallengeServer did not start: $(tail -5 "$WORK/ch.log")"
    wait_http "$u_ng/" 10 || die "nginx did not start: $(cat "$WORK/nginx/logs/"*)"
    local got_ch got_ng
    got_ch=$(curl -s "$u_ch/$token" || true)
    got_ng=$(curl -s "$u_ng/$token" || true)
    [[ $got_ch == "$keyauth" && $got_ng == "$keyauth" ]] \
        || die "the pending token is not served by both: filter '$got_ch', nginx '$got_ng', expected '$keyauth'"
    [[ $(status_of "$u_ch/unknownToken123") == 404 && $(status_of "$u_ng/unknownToken123") == 404 ]] \
        || die "the unknown token is not a 404 on both"
    log "challenge endpoint: warm-up, ${WARMUP_SECONDS} s per URL of the filter, 3 s for nginx"
    rps "$u_ch/$token" "$WARMUP_SECONDS" > /dev/null
    rps "$u_ch/unknownToken123" "$WARMUP_SECONDS" > /dev/null
    rps "$u_ng/$token" 3 > /dev/null
    rps "$u_ng/unknownToken123" 3 > /dev/null
    CH_200=() NG_200=() CH_404=() NG_404=()
    for ((r = 1; r <= WRK_ROUNDS; r++)); do
        settle
        CH_200+=("$(rps "$u_ch/$token" "$WRK_SECONDS")")
        NG_200+=("$(rps "$u_ng/$token" "$WRK_SECONDS")")
        CH_404+=("$(rps "$u_ch/unknownToken123" "$WRK_SECONDS")")
        NG_404+=("$(rps "$u_ng/unknownToken123" "$WRK_SECONDS")")
        log "challenge, round $r/$WRK_ROUNDS: pending token filter ${CH_200[-1]} nginx ${NG_200[-1]}, unknown token filter ${CH_404[-1]} nginx ${NG_404[-1]} req/s"
        result CH_200 "${CH_200[@]}"; result NG_200 "${NG_200[@]}"; result CH_404 "${CH_404[@]}"; result NG_404 "${NG_404[@]}"
    done
    [[ $(curl -s "$u_ch/$token") == "$keyauth" ]] || die "the filter stopped serving the token"
}

# ================================================================== 4. footprint
step_footprint() {
    "$ROOT/bench/footprint.sh" 3 > "$WORK/footprint.txt" 2>&1 \
        || die "bench/footprint.sh failed: $(tail -5 "$WORK/footprint.txt")"
}

# ================================================================== 5. scale
step_scale() {
    if [[ ! -x $ROOT/bench/scale.sh ]]; then
        printf 'skipped: bench/scale.sh does not exist yet (100-name certificate and 50 certificates in one pass come with the multi-certificate work)\n' > "$WORK/scale.txt"
        return 0
    fi
    "$ROOT/bench/scale.sh" > "$WORK/scale.txt" 2> "$WORK/scale.err" \
        || die "bench/scale.sh failed: $(tail -5 "$WORK/scale.err")"
}

# what the steps measure (empty when a step fails before)
A=() B=() C=() D=() B_START=() B_ORDER=() B_FIRST=() WARMUP_MS=
F_WAR=() F_NOF=() F_PLAIN=() F_DEFJIT=() CH_200=() NG_200=() CH_404=() NG_404=()
run_step time_to_certificate step_time_to_certificate 330
run_step filter_overhead step_filter_overhead 420
run_step challenge step_challenge 200
run_step footprint step_footprint 150
run_step scale step_scale 300
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
TOTAL_S=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

# ================================================================== report
read -r Am Amin Amax < <(stats "${A[@]}")
read -r Bm Bmin Bmax < <(stats "${B[@]}")
read -r Cm Cmin Cmax < <(stats "${C[@]}")
read -r Dm Dmin Dmax < <(stats "${D[@]}")
R_AC=$(ratio "$Am" "$Cm"); R_AD=$(ratio "$Am" "$Dm"); R_BC=$(ratio "$Bm" "$Cm"); R_BD=$(ratio "$Bm" "$Dm")
# the target ratios: medians of the per-round ratios of rounds measured back to back (a drifting
# load on a shared machine cancels out); the ratios of the medians are shown beside them
R_F=$(paired F_WAR F_NOF)
R_F_OF_MEDIANS=$(ratio "$(median "${F_WAR[@]}")" "$(median "${F_NOF[@]}")")
R_FP=$(ratio "$(median "${F_WAR[@]}")" "$(median "${F_PLAIN[@]}")")
R_FJ=$(ratio "$(median "${F_DEFJIT[@]}")" "$(median "${F_WAR[@]}")")
R_200=$(paired CH_200 NG_200)
R_404=$(paired CH_404 NG_404)
R_200_OF_MEDIANS=$(ratio "$(median "${CH_200[@]}")" "$(median "${NG_200[@]}")")
R_404_OF_MEDIANS=$(ratio "$(median "${CH_404[@]}")" "$(median "${NG_404[@]}")")
status() { # step -> the step's error, or nothing
    [[ -n ${STEP_ERROR[$1]:-} ]] && printf '\n\n**Step %s %s**\n' "$1" "${STEP_ERROR[$1]}"
}
or_na() { [[ -n ${1:-} ]] && printf '%s' "$1" || printf 'n/a'; }

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
CPU=$(lscpu | sed -n 's/^Model name: *//p')
CORES=$(nproc)
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
OS="$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
java -version > "$WORK/java.version" 2>&1
JAVA_V=$(sed -n 1p "$WORK/java.version")
mvn -v > "$WORK/mvn.version" 2>/dev/null   # not piped into head: with pipefail, mvn's SIGPIPE ended the run once
MVN_V=$(sed -n 1p "$WORK/mvn.version" | sed 's/\x1b\[[0-9;]*m//g')
read -r B0 B0_START B0_ORDER <<<"${B_FIRST[*]:-n/a n/a n/a}"

scale_section() { # bench/scale.sh prints Markdown table rows; anything else (the skip message) as it is
    if grep -q '^|' "$WORK/scale.txt" 2>/dev/null; then
        printf 'From `bench/scale.sh` (a local Pebble, the provisioner in-process):\n\n'
        printf '| case | median | min | max | runs |\n|---|---:|---:|---:|---|\n'
        grep '^|' "$WORK/scale.txt"
    else
        cat "$WORK/scale.txt" 2>/dev/null
    fi
}

report() {
cat <<EOF
# Benchmarks

Generated by \`bench/run-all.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (total run time ${TOTAL_S} s); rerun it to
regenerate this file. Not part of the test suite. All ratios are from this one run.

## Machine

| | |
|---|---|
| CPU | $CPU |
| cores | $CORES |
| memory | $MEM |
| OS | $OS |
| Java | $JAVA_V |
| Maven | $MVN_V |
| Jetty | 12.1.8 (jetty-home from Maven Central) |
| Pebble | $(pkgver pebble) (Debian), \`PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0\`, pebble-challtestsrv as DNS |
| certbot | $(pkgver certbot) (Debian) |
| lego | $(pkgver lego) (Debian) |
| wrk | $(pkgver wrk) (Debian), \`wrk ${WRK_ARGS[*]} -d${WRK_SECONDS}s\`, loopback, $WRK_ROUNDS rounds per configuration after a ${WARMUP_SECONDS} s warm-up of each JVM, rounds interleaved (the filter-overhead pair: $PAIRS rounds of ${PAIR_SECONDS} s), medians; target ratios are medians of per-round ratios |
| nginx | $(pkgver nginx) (Debian) |
| load during the run | load average $LOAD_START at the start, $LOAD_END at the end; other processes using >= 5 % CPU at the start: ${OTHERS:-none} |

## Targets

| measurement | ratio | target | met |
|---|---|---|---|
| time to certificate, running container vs certbot | $R_AC | <= 0.10 | $(meets "$R_AC" "<=" 0.10) |
| time to certificate, running container vs lego | $R_AD | <= 0.10 | $(meets "$R_AD" "<=" 0.10) |
| time to certificate, cold deployment of acme.war vs certbot | $R_BC | <= 0.70 | $(meets "$R_BC" "<=" 0.70) |
| filter overhead (static file, acme.war / acme.war without the filter) | $R_F | >= 0.98 | $(meets "$R_F" ">=" 0.98) |
| challenge endpoint, pending token (filter / nginx) | $R_200 | >= 0.80 | $(meets "$R_200" ">=" 0.80) |
| challenge endpoint, unknown token 404 (filter / nginx) | $R_404 | >= 0.80 | $(meets "$R_404" ">=" 0.80) |

## 1. Time to certificate

One name (\`$NAME\`, the default \`server_name\`-only set-up), EC P-256 keys everywhere, a new ACME
account every run, $RUNS runs per client interleaved a, b, c, d, a, b, ... on Pebble's one http-01
port, each started once the CPUs were at least 90 % idle for 0.2 s (at most 3 s of waiting). Every time ends when the certificate chain on disk verifies against Pebble's root and the key
on disk matches it (openssl for b, c, d; the same checks in-process for a).$(status time_to_certificate)

| client | median ms | min ms | max ms | vs certbot | vs lego | all runs (ms) |
|---|---:|---:|---:|---:|---:|---|
| a) provisioner in a running Jetty (order start -> verified files) | $Am | $Amin | $Amax | $R_AC | $R_AD | ${A[*]:-} |
| b) acme.war, cold: \`jetty-base/run homeserver.yaml\` launched -> Jetty deploys -> verified files | $Bm | $Bmin | $Bmax | $R_BC | $R_BD | ${B[*]:-} |
| c) certbot certonly --standalone (launch -> exit -> verified) | $Cm | $Cmin | $Cmax | 1 | $(ratio "$Cm" "$Dm") | ${C[*]:-} |
| d) lego --http run (launch -> exit -> verified) | $Dm | $Dmin | $Dmax | $(ratio "$Dm" "$Cm") | 1 | ${D[*]:-} |

(a) runs in one JVM that first did one warm-up order (${WARMUP_MS:-?} ms, not counted): the state of a
container that has been running. (b) is a new JVM every run, started the way an admin starts it; the
first start after installing (not in the table: $B0 ms, server started at $B0_START ms of JVM uptime,
order $B0_ORDER ms) found no start cache: it unpacked the WAR without its jars' signatures and wrote
the class-data archive when it stopped, which every later start maps (see \`jetty-base/run\`). Each run
has a new homeserver.yaml, as a first deployment: it is checked inside Jetty's JVM, not in one of its
own. Breakdown of (b), medians from Jetty's log: server
started (deployment of acme.war included) at $(or_na "$(median "${B_START[@]}")") ms of JVM uptime; the provisioner's own
order-to-files time $(or_na "$(median "${B_ORDER[@]}")") ms (per run: ${B_ORDER[*]:-}).

## 2. Filter overhead

\`GET /index.html\` (the WAR's own static file, ACME disabled) in the Jetty base, requests/s; every JVM
with the JVM's default settings, as in a container that serves an application (the filter's cost matters
there), unless noted.$(status filter_overhead)

| webapp at / | median req/s | rounds |
|---|---:|---|
| acme.war | $(median "${F_WAR[@]}") | ${F_WAR[*]:-} |
| acme.war without the filter (its declaration removed from web.xml) | $(median "${F_NOF[@]}") | ${F_NOF[*]:-} |
| a webapp with only the same index.html (no Weld, no filter) | $(median "${F_PLAIN[@]}") | ${F_PLAIN[*]:-} |
| acme.war with the Jetty base's options (\`jetty-base/run --jvm-options\`: ${BASE_JVM_OPTS[*]}) | $(median "${F_DEFJIT[@]}") | ${F_DEFJIT[*]:-} |

Filter overhead ratio (acme.war / without the filter), the median of the $PAIRS per-round ratios of
${PAIR_SECONDS} s rounds measured back to back in alternating order: **$R_F** (per round: $(pair_ratios F_WAR F_NOF | tr '\n' ' ')).
Ratio of the medians: $R_F_OF_MEDIANS. A request for /index.html never enters the filter (it is mapped to
/.well-known/acme-challenge/* only), so what this ratio shows beyond 1 is the machine's noise. The whole WAR
against a plain webapp (Weld's per-request listener included): $R_FP. The base's options against the
JVM's defaults, after the warm-up: $R_FJ (the base's JVM only provisions: it trades peak request rate for
a faster start, see \`jetty-base/run\`).

## 3. Challenge endpoint

The filter with an in-memory store holding one pending token, in an embedded Jetty 12.1.8
(\`ChallengeServer\`, stock settings, java.util.logging at its default INFO), against nginx serving the
same key authorization from a webroot (stock settings: access log on, one worker per core), requests/s:$(status challenge)

| request | filter median | nginx median | ratio (median of per-round ratios) | ratio of the medians | filter rounds | nginx rounds |
|---|---:|---:|---:|---:|---|---|
| pending token (200) | $(median "${CH_200[@]}") | $(median "${NG_200[@]}") | $R_200 | $R_200_OF_MEDIANS | ${CH_200[*]:-} | ${NG_200[*]:-} |
| unknown token (404) | $(median "${CH_404[@]}") | $(median "${NG_404[@]}") | $R_404 | $R_404_OF_MEDIANS | ${CH_404[*]:-} | ${NG_404[*]:-} |

Each round measures the filter and nginx back to back with the same \`wrk ${WRK_ARGS[*]}\`.

## 4. Footprint

From \`bench/footprint.sh 3\`:$(status footprint)

\`\`\`
$(cat "$WORK/footprint.txt" 2>/dev/null)
\`\`\`

## 5. Scale
$(status scale)
$(scale_section)
EOF
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if [[ -z ${NO_WRITE:-} ]]; then
    cp "$WORK/report.md" "$ROOT/BENCHMARKS.md"
    log "wrote $ROOT/BENCHMARKS.md"
fi
log "total run time ${TOTAL_S} s"
