#!/usr/bin/env bash
# All benchmarks of issue #7 in one run: prints a table and regenerates BENCHMARKS.md.
# Not part of the test suite. Needs about 8-10 minutes on a 2-core machine (limit: 15).
#
#   bench/run-all.sh            build what is missing, run everything, write BENCHMARKS.md
#   RUNS=7 bench/run-all.sh     runs per client for the time to certificate (default 5, at least 5)
#   WRK_SECONDS=10 ...          length of one wrk round (default 6; 3 rounds per configuration)
#   NO_WRITE=1 ...              print the table only, leave BENCHMARKS.md alone
#
# Needs (Debian packages): openjdk-17-jdk maven pebble certbot lego wrk nginx openssl curl.
# As root it installs the missing ones with apt-get; otherwise it names them and stops.
#
# What it measures (every client against the same local Pebble, one Pebble for the whole run,
# PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, pebble-challtestsrv resolving every name to
# 127.0.0.1; the ACME server name is "localhost" with a throwaway CA):
#  1. time to certificate, one name (matrix.example.org), fresh account each run, runs interleaved
#     a,b,c,d,a,b,c,d... on Pebble's one http-01 port:
#     a) the provisioner in a running embedded Jetty with the challenge filter
#        (RunningContainerClient: order start -> files on disk verified; one warm-up order first)
#     b) acme.war in the Jetty base, from launching the JVM to the files verified
#     c) certbot certonly --standalone, launch -> exit -> files verified
#     d) lego --http run, launch -> exit -> files verified
#  2. filter overhead: wrk on /index.html of acme.war (ACME disabled) vs the same WAR without the
#     filter's web-fragment.xml (and, for information, vs a webapp holding only that index.html)
#  3. challenge endpoint: wrk on a pending token (200) and an unknown token (404): the filter in an
#     embedded Jetty (ChallengeServer) vs nginx serving the same token from a webroot
#  4. footprint: bench/footprint.sh (Jetty RSS / heap / start time, acme.war vs an empty webapp)
#  5. scale: one certificate for 100 names through the running-container client
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"
RUNS=${RUNS:-5}
WRK_SECONDS=${WRK_SECONDS:-6}
WRK_ROUNDS=3
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
for t in java:openjdk-17-jdk-headless mvn:maven pebble:pebble pebble-challtestsrv:pebble certbot:certbot \
         lego:lego wrk:wrk nginx:nginx openssl:openssl curl:curl jcmd:openjdk-17-jdk-headless; do
    command -v "${t%%:*}" >/dev/null || need_pkgs+=("${t#*:}")
done
if ((${#need_pkgs[@]})); then
    mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
    if [[ $(id -u) == 0 ]]; then
        log "installing ${need_pkgs[*]}"
        apt-get install -y "${need_pkgs[@]}" >/dev/null || die "apt-get install -y ${need_pkgs[*]} failed"
    else
        die "missing tools: run 'sudo apt-get install -y ${need_pkgs[*]}'"
    fi
fi

# ------------------------------------------------------------------ build
if [[ ! -f $WAR || ! -f $JETTY_HOME/start.jar ]]; then
    log "building (mvn -q -B -DskipTests install)"
    mvn -q -B -DskipTests install >/dev/null || die "the build failed"
fi
log "compiling the bench helpers (acme-filter test classes)"
mvn -q -B -pl acme-filter test-compile >/dev/null || die "mvn -pl acme-filter test-compile failed"
WORK=$(mktemp -d /tmp/bench-run-all.XXXXXX)
chmod 755 "$WORK"
mvn -q -B -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/cp.txt" >/dev/null || die "cannot compute the test class path"
CP="$ROOT/acme-filter/target/test-classes:$ROOT/acme-filter/target/classes:$(cat "$WORK/cp.txt")"

# ------------------------------------------------------------------ processes
PGROUPS=()      # process groups started with setsid (killed by group id in cleanup)
CO_PID=
cleanup() {
    set +e
    if [[ -n $CO_PID ]] && kill -0 "$CO_PID" 2>/dev/null; then
        [[ -n ${RC[1]:-} ]] && echo quit >&"${RC[1]}" 2>/dev/null
        for ((i = 0; i < 50; i++)); do kill -0 "$CO_PID" 2>/dev/null || break; sleep 0.1; done
        kill -TERM "$CO_PID" 2>/dev/null   # its shutdown hook stops the Pebble it started
        wait "$CO_PID" 2>/dev/null
    fi
    for p in "${PGROUPS[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null
    done
    for p in "${PGROUPS[@]}"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$p" 2>/dev/null
    done
    [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_group() { # pid: TERM the process group, wait for it
    local p=$1 i
    kill -TERM -- "-$p" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port seconds
    local i
    for ((i = 0; i < $2 * 20; i++)); do port_free "$1" || return 0; sleep 0.05; done
    return 1
}
wait_port_free() { # port
    local i
    for ((i = 0; i < 100; i++)); do port_free "$1" && return 0; sleep 0.05; done
    die "port $1 still in use"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------ statistics
stats() { # values... -> "median min max" (median: middle value, or mean of the two middle ones)
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%s %s %s\n", m, a[1], a[NR] }'
}
median() { stats "$@" | awk '{ print $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.3f", a / b }'; }
meets() { # value op target -> yes/NO
    awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "yes" : "**NO**" }'
}

# ------------------------------------------------------------------ verification of issued files
verify_pair() { # certificate(chain) key -> 0 when the chain verifies against Pebble's root and the key matches
    local crt=$1 key=$2 leaf=$WORK/leaf.pem
    openssl x509 -in "$crt" -out "$leaf" 2>/dev/null || return 1
    openssl verify -CAfile "$PEBBLE_ROOT" -untrusted "$crt" -purpose sslserver "$leaf" >/dev/null 2>&1 || return 1
    cmp -s <(openssl pkey -in "$key" -pubout 2>/dev/null) <(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)
}

# ================================================================== 1. time to certificate
log "starting Pebble (with pebble-challtestsrv) and the running-container client"
coproc RC { exec java -cp "$CP" dev.acmefilter.bench.RunningContainerClient "$WORK/pebble.env" 2>"$WORK/rc.err"; }
CO_PID=$RC_PID
rc_read() { # seconds -> the next answer line of the client in REPLY
    read -r -t "$1" -u "${RC[0]}" REPLY || die "the running-container client did not answer; $(tail -5 "$WORK/rc.err")"
}
rc_read 60
while [[ $REPLY != ready ]]; do
    [[ $REPLY == warmup* ]] && WARMUP_MS=${REPLY#warmup }
    rc_read 60
done
# shellcheck disable=SC1091
source "$WORK/pebble.env"
PORT=$PEBBLE_HTTP_PORT
log "Pebble at $PEBBLE_DIR_URL, http-01 to 127.0.0.1:$PORT; warm-up order took ${WARMUP_MS:-?} ms"

A=() B=() C=() D=() B_START=() B_ORDER=()
run_a() {
    local d=$WORK/a$1
    echo "order $d $NAME" >&"${RC[1]}"
    rc_read 120
    [[ $REPLY == ok* ]] || die "(a) run $1: $REPLY"
    A+=("${REPLY#ok }")
}
run_b() {
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
    t0=$(now)
    setsid java "-Dacme.config=$d/homeserver.yaml" -jar "$JETTY_HOME/start.jar" "jetty.home=$JETTY_HOME" \
        "jetty.base=$ROOT/jetty-base" "jetty.http.port=$PORT" jetty.http.host=127.0.0.1 \
        > "$d/jetty.log" 2>&1 < /dev/null &
    pid=$!
    PGROUPS+=("$pid")
    for ((i = 0; ; i++)); do
        if [[ -s $d/tls/$NAME.crt && -s $d/tls/$NAME.key ]] && verify_pair "$d/tls/$NAME.crt" "$d/tls/$NAME.key"; then
            break
        fi
        kill -0 "$pid" 2>/dev/null || die "(b) run $1: Jetty exited; see $d/jetty.log: $(tail -5 "$d/jetty.log")"
        ((i < 3000)) || die "(b) run $1: no verified certificate within 60 s: $(tail -5 "$d/jetty.log")"
        sleep 0.02
    done
    B+=("$(ms_since "$t0")")
    stop_group "$pid"
    # breakdown from Jetty's log: its uptime when the server had started (deployment included),
    # and the provisioner's own "written ... in N ms"
    B_START+=("$(grep -o 'Started oejs.Server@[^ ]* @[0-9]*ms' "$d/jetty.log" | grep -o '[0-9]*ms$' | tr -d ms | tail -1 || true)")
    B_ORDER+=("$(grep -o 'in [0-9,.]* ms: serial' "$d/jetty.log" | tr -d ',.' | grep -o '[0-9]*' | head -1 || true)")
}
run_c() {
    local d=$WORK/c$1 t0
    mkdir -p "$d"
    wait_port_free "$PORT"
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
    t0=$(now)
    LEGO_CA_CERTIFICATES=$PEBBLE_CA lego --server "$PEBBLE_DIR_URL" --path "$d" --accept-tos \
        --email "bench$1@example.org" --http --http.port "127.0.0.1:$PORT" -d "$NAME" run > "$d/out" 2>&1 \
        || die "(d) run $1: lego failed: $(tail -5 "$d/out")"
    verify_pair "$d/certificates/$NAME.crt" "$d/certificates/$NAME.key" || die "(d) run $1: lego's files do not verify"
    D+=("$(ms_since "$t0")")
}
for ((r = 1; r <= RUNS; r++)); do
    run_a "$r"; run_b "$r"; run_c "$r"; run_d "$r"
    log "time to certificate, run $r/$RUNS: a ${A[-1]} ms, b ${B[-1]} ms, c ${C[-1]} ms, d ${D[-1]} ms"
done

# ================================================================== 5. scale (same Pebble and client)
names100=$(for ((i = 1; i <= 100; i++)); do printf 'n%03d.bench.example.org,' "$i"; done)
names100=${names100%,}
log "scale: one certificate for 100 names"
echo "order $WORK/scale100 $names100" >&"${RC[1]}"
rc_read 600
if [[ $REPLY == ok* ]]; then SCALE100=${REPLY#ok }; else SCALE100="failed: ${REPLY#fail }"; fi
log "scale: 100 names: $SCALE100"

echo quit >&"${RC[1]}"
wait "$CO_PID" 2>/dev/null || true
CO_PID=

# ================================================================== wrk helpers
rps() { # url seconds -> requests/s (all answers must have the expected status: checked apart)
    wrk "${WRK_ARGS[@]}" -d"$2"s "$1" 2>&1 | tee -a "$WORK/wrk.log" | awk '/^Requests\/sec:/ { printf "%d", $2 }'
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }

# ------------------------------------------------------------------ Jetty bases for 2.
start_base() { # name war-or-dir config -> sets SB_PID and SB_PORT
    local name=$1 war=$2 config=$3 base=$WORK/base-$1 port pid
    mkdir -p "$base/webapps"
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
    setsid java "-Dacme.config=$config" -jar "$JETTY_HOME/start.jar" "jetty.home=$JETTY_HOME" "jetty.base=$base" \
        "jetty.http.port=$port" jetty.http.host=127.0.0.1 > "$WORK/$name.log" 2>&1 < /dev/null &
    pid=$!
    PGROUPS+=("$pid")
    SB_PID=$pid SB_PORT=$port
}
await_started() { # name
    local i
    for ((i = 0; i < 600; i++)); do
        grep -q 'Started oejs.Server' "$WORK/$1.log" 2>/dev/null && return 0
        sleep 0.05
    done
    die "Jetty ($1) did not start: $(tail -5 "$WORK/$1.log")"
}

# ================================================================== 2. filter overhead
log "filter overhead: three Jetty bases (acme.war, acme.war without the filter, index.html only)"
mkdir -p "$WORK/hs" "$WORK/nofilter" "$WORK/plain/WEB-INF"
cat > "$WORK/hs/homeserver.yaml" <<EOF
server_name: $NAME
tls_certificate_path: tls/$NAME.crt
tls_private_key_path: tls/$NAME.key
acme:
  enabled: false
EOF
# acme.war without the filter: the same WAR, the filter jar's web-fragment.xml removed
cp "$WAR" "$WORK/nofilter/acme-nofilter.war"
(
    cd "$WORK/nofilter"
    jar=$(unzip -Z1 acme-nofilter.war 'WEB-INF/lib/acme-filter-*.jar')
    unzip -q acme-nofilter.war "$jar"
    zip -q -d "$jar" META-INF/web-fragment.xml
    zip -q acme-nofilter.war "$jar"
)
unzip -q -o -d "$WORK/plain" "$WAR" index.html
printf '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n' > "$WORK/plain/WEB-INF/web.xml"
start_base war "$WAR" "$WORK/hs/homeserver.yaml"; P_WAR=$SB_PID PORT_WAR=$SB_PORT
await_started war
start_base nofilter "$WORK/nofilter/acme-nofilter.war" "$WORK/hs/homeserver.yaml"; P_NOF=$SB_PID PORT_NOF=$SB_PORT
await_started nofilter
start_base plain "$WORK/plain" "$WORK/hs/homeserver.yaml"; P_PLAIN=$SB_PID PORT_PLAIN=$SB_PORT
await_started plain
for p in "$PORT_WAR" "$PORT_NOF" "$PORT_PLAIN"; do
    [[ $(status_of "http://127.0.0.1:$p/index.html") == 200 ]] || die "no 200 for /index.html on port $p"
done
[[ $(status_of "http://127.0.0.1:$PORT_WAR/.well-known/acme-challenge/x") == 404 ]] \
    || die "acme.war: the filter does not answer"
[[ $(status_of "http://127.0.0.1:$PORT_NOF/.well-known/acme-challenge/x") == 404 ]] || true
grep -q 'No pending ACME challenge' <(curl -s "http://127.0.0.1:$PORT_NOF/.well-known/acme-challenge/x") \
    && die "the WAR without web-fragment.xml still runs the filter"
for p in "$PORT_WAR" "$PORT_NOF" "$PORT_PLAIN"; do rps "http://127.0.0.1:$p/index.html" 4 >/dev/null; done  # warm-up
F_WAR=() F_NOF=() F_PLAIN=()
for ((r = 1; r <= WRK_ROUNDS; r++)); do
    F_WAR+=("$(rps "http://127.0.0.1:$PORT_WAR/index.html" "$WRK_SECONDS")")
    F_NOF+=("$(rps "http://127.0.0.1:$PORT_NOF/index.html" "$WRK_SECONDS")")
    F_PLAIN+=("$(rps "http://127.0.0.1:$PORT_PLAIN/index.html" "$WRK_SECONDS")")
    log "filter overhead, round $r/$WRK_ROUNDS: acme.war ${F_WAR[-1]}, without filter ${F_NOF[-1]}, index.html only ${F_PLAIN[-1]} req/s"
done
stop_group "$P_WAR"; stop_group "$P_NOF"; stop_group "$P_PLAIN"

# ================================================================== 3. challenge endpoint
log "challenge endpoint: the filter in an embedded Jetty vs nginx"
TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
KEYAUTH="$TOKEN.$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
PORT_CH=$(free_port)
mkfifo "$WORK/ch.in" "$WORK/chq.in"
setsid java -cp "$CP" dev.acmefilter.bench.ChallengeServer "$PORT_CH" "$TOKEN" "$KEYAUTH" \
    < "$WORK/ch.in" > "$WORK/ch.out" 2> "$WORK/ch.log" &
P_CH=$!
PGROUPS+=("$P_CH")
exec 8> "$WORK/ch.in"
# the same server with java.util.logging at WARNING: isolates the cost of the filter's INFO line per answer
printf 'handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n' > "$WORK/jul-warning.properties"
PORT_CHQ=$(free_port)
setsid java "-Djava.util.logging.config.file=$WORK/jul-warning.properties" -cp "$CP" \
    dev.acmefilter.bench.ChallengeServer "$PORT_CHQ" "$TOKEN" "$KEYAUTH" \
    < "$WORK/chq.in" > "$WORK/chq.out" 2> "$WORK/chq.log" &
P_CHQ=$!
PGROUPS+=("$P_CHQ")
exec 9> "$WORK/chq.in"
mkdir -p "$WORK/nginx/root/.well-known/acme-challenge" "$WORK/nginx/logs"
printf '%s' "$KEYAUTH" > "$WORK/nginx/root/.well-known/acme-challenge/$TOKEN"
chmod -R a+rX "$WORK/nginx"
PORT_NG=$(free_port)
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
        listen 127.0.0.1:$PORT_NG;
        root $WORK/nginx/root;
        location /.well-known/acme-challenge/ { default_type text/plain; }
    }
}
EOF
setsid nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' > "$WORK/nginx/logs/stdout" 2>&1 < /dev/null &
P_NG=$!
PGROUPS+=("$P_NG")
wait_port "$PORT_CH" 30 || die "ChallengeServer did not start: $(tail -5 "$WORK/ch.log")"
wait_port "$PORT_CHQ" 30 || die "ChallengeServer (quiet) did not start: $(tail -5 "$WORK/chq.log")"
U_CHQ=http://127.0.0.1:$PORT_CHQ/.well-known/acme-challenge
wait_port "$PORT_NG" 10 || die "nginx did not start: $(cat "$WORK/nginx/logs/"*)"
U_CH=http://127.0.0.1:$PORT_CH/.well-known/acme-challenge
U_NG=http://127.0.0.1:$PORT_NG/.well-known/acme-challenge
[[ $(curl -s "$U_CH/$TOKEN") == "$KEYAUTH" && $(curl -s "$U_NG/$TOKEN") == "$KEYAUTH" ]] \
    || die "the pending token is not served by both"
[[ $(status_of "$U_CH/unknownToken123") == 404 && $(status_of "$U_NG/unknownToken123") == 404 ]] \
    || die "the unknown token is not a 404 on both"
[[ $(curl -s "$U_CHQ/$TOKEN") == "$KEYAUTH" ]] || die "the quiet ChallengeServer does not serve the token"
for u in "$U_CH/$TOKEN" "$U_CHQ/$TOKEN" "$U_NG/$TOKEN" "$U_CH/unknownToken123" "$U_NG/unknownToken123"; do
    rps "$u" 4 >/dev/null
done
CH_200=() CHQ_200=() NG_200=() CH_404=() NG_404=()
for ((r = 1; r <= WRK_ROUNDS; r++)); do
    CH_200+=("$(rps "$U_CH/$TOKEN" "$WRK_SECONDS")")
    CHQ_200+=("$(rps "$U_CHQ/$TOKEN" "$WRK_SECONDS")")
    NG_200+=("$(rps "$U_NG/$TOKEN" "$WRK_SECONDS")")
    CH_404+=("$(rps "$U_CH/unknownToken123" "$WRK_SECONDS")")
    NG_404+=("$(rps "$U_NG/unknownToken123" "$WRK_SECONDS")")
    log "challenge, round $r/$WRK_ROUNDS: pending token filter ${CH_200[-1]} (INFO log off: ${CHQ_200[-1]}) nginx ${NG_200[-1]}, unknown token filter ${CH_404[-1]} nginx ${NG_404[-1]} req/s"
done
CH_LOG_LINES=$(grep -c 'Answered ACME http-01 challenge' "$WORK/ch.log" || true)
exec 8>&- 9>&-
stop_group "$P_CH"; stop_group "$P_CHQ"; stop_group "$P_NG"

# ================================================================== 4. footprint
log "footprint: bench/footprint.sh 3"
if ! "$ROOT/bench/footprint.sh" 3 > "$WORK/footprint.txt" 2>&1; then
    log "bench/footprint.sh failed: $(tail -5 "$WORK/footprint.txt")"
    printf 'bench/footprint.sh failed (exit status non-zero); its output:\n' | cat - "$WORK/footprint.txt" > "$WORK/fp2" 
    mv "$WORK/fp2" "$WORK/footprint.txt"
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

TOTAL_S=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

# ================================================================== report
read -r Am Amin Amax < <(stats "${A[@]}")
read -r Bm Bmin Bmax < <(stats "${B[@]}")
read -r Cm Cmin Cmax < <(stats "${C[@]}")
read -r Dm Dmin Dmax < <(stats "${D[@]}")
R_AC=$(ratio "$Am" "$Cm"); R_AD=$(ratio "$Am" "$Dm"); R_BC=$(ratio "$Bm" "$Cm"); R_BD=$(ratio "$Bm" "$Dm")
R_F=$(ratio "$(median "${F_WAR[@]}")" "$(median "${F_NOF[@]}")")
R_FP=$(ratio "$(median "${F_WAR[@]}")" "$(median "${F_PLAIN[@]}")")
R_200=$(ratio "$(median "${CH_200[@]}")" "$(median "${NG_200[@]}")")
R_404=$(ratio "$(median "${CH_404[@]}")" "$(median "${NG_404[@]}")")

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
CORES=$(nproc)
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
OS="$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
JAVA_V=$(java -version 2>&1 | head -1)
MVN_V=$(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')

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
| wrk | $(pkgver wrk) (Debian), \`wrk ${WRK_ARGS[*]} -d${WRK_SECONDS}s\`, loopback, $WRK_ROUNDS rounds per configuration after a 4 s warm-up, rounds interleaved |
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
port. Every time ends when the certificate chain on disk verifies against Pebble's root and the key
on disk matches it (openssl for b, c, d; the same checks in-process for a).

| client | median ms | min ms | max ms | vs certbot | vs lego | all runs (ms) |
|---|---:|---:|---:|---:|---:|---|
| a) provisioner in a running Jetty (order start -> verified files) | $Am | $Amin | $Amax | $R_AC | $R_AD | ${A[*]} |
| b) acme.war, cold: JVM launch -> Jetty base deploys -> verified files | $Bm | $Bmin | $Bmax | $R_BC | $R_BD | ${B[*]} |
| c) certbot certonly --standalone (launch -> exit -> verified) | $Cm | $Cmin | $Cmax | 1 | $(ratio "$Cm" "$Dm") | ${C[*]} |
| d) lego --http run (launch -> exit -> verified) | $Dm | $Dmin | $Dmax | $(ratio "$Dm" "$Cm") | 1 | ${D[*]} |

(a) runs in one JVM that first did one warm-up order (${WARMUP_MS:-?} ms, not counted): the state of a
container that has been running. Breakdown of (b), medians from Jetty's log: server started (deployment
of acme.war included) at $(median "${B_START[@]}") ms of JVM uptime; the provisioner's own order-to-files time
$(median "${B_ORDER[@]}") ms (per run: ${B_ORDER[*]}).

## 2. Filter overhead

\`GET /index.html\` (the WAR's own static file, ACME disabled) in the Jetty base, requests/s:

| webapp at / | median req/s | rounds |
|---|---:|---|
| acme.war | $(median "${F_WAR[@]}") | ${F_WAR[*]} |
| acme.war without the filter (its jar's web-fragment.xml removed) | $(median "${F_NOF[@]}") | ${F_NOF[*]} |
| a webapp with only the same index.html (no Weld, no filter) | $(median "${F_PLAIN[@]}") | ${F_PLAIN[*]} |

Filter overhead ratio (acme.war / without the filter): **$R_F**. The whole WAR against a plain webapp
(Weld's per-request listener included): $R_FP.

## 3. Challenge endpoint

The filter with an in-memory store holding one pending token, in an embedded Jetty 12.1.8
(\`ChallengeServer\`, java.util.logging at its default INFO to a file), against nginx serving the same
key authorization from a webroot (stock logging: access log on, one worker per core), requests/s:

| request | filter median | nginx median | ratio | filter rounds | nginx rounds |
|---|---:|---:|---:|---|---|
| pending token (200) | $(median "${CH_200[@]}") | $(median "${NG_200[@]}") | $R_200 | ${CH_200[*]} | ${NG_200[*]} |
| pending token (200), filter with java.util.logging at WARNING (diagnostic) | $(median "${CHQ_200[@]}") | $(median "${NG_200[@]}") | $(ratio "$(median "${CHQ_200[@]}")" "$(median "${NG_200[@]}")") | ${CHQ_200[*]} | |
| unknown token (404) | $(median "${CH_404[@]}") | $(median "${NG_404[@]}") | $R_404 | ${CH_404[*]} | ${NG_404[*]} |

The filter logged $CH_LOG_LINES "Answered ACME http-01 challenge" lines during this section (one per 200).

## 4. Footprint

From \`bench/footprint.sh 3\`:

\`\`\`
$(cat "$WORK/footprint.txt")
\`\`\`

## 5. Scale

| case | result |
|---|---|
| one certificate for 100 names (pebble-challtestsrv resolves all to 127.0.0.1), running container, new account | $SCALE100 $( [[ $SCALE100 =~ ^[0-9]+$ ]] && echo ms) |
| 50 certificates in one pass | skipped: needs the multi-certificate issue |
EOF
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if [[ -z ${NO_WRITE:-} ]]; then
    cp "$WORK/report.md" "$ROOT/BENCHMARKS.md"
    log "wrote $ROOT/BENCHMARKS.md"
fi
log "total run time ${TOTAL_S} s"
