# shellcheck shell=bash disable=SC2034 # its settings and SB_* are for the scripts that source it
# bench/lib.sh: what the benchmark scripts share. Sourced, never run. Not part of the test suite.
#
# A measurement script (bench/<measurement>.sh) looks like this:
#
#     #!/usr/bin/env bash
#     # <what it measures, its options and environment>
#     set -euo pipefail
#     NEEDS=(java:openjdk-17-jdk-headless wrk:wrk)      # command:Debian-package, what it runs
#     source "$(dirname "$0")/lib.sh"
#     bench_init my-measurement "$@"                    # work folder, clean-up, tools, stdout
#     ... spawn SERVER...; settle; v=$(rps URL 5); ...
#     result MY_FIGURE_RPS "${values[@]}"               # after every round: the whole list so far
#     summarize MY_FIGURE_RPS                           # medians for a reader, on stderr
#
# Result format. A measurement script writes result lines, and only those, on stdout (after
# bench_init, stdout is stderr; `result` and `note` write to the original stdout):
#
#     KEY VALUE...   a figure: KEY matches [A-Z][A-Z0-9_]* and starts with the measurement's
#                    prefix (TTC_, FILTER_, CHALLENGE_, FOOTPRINT_, SCALE_, STORE_, TTF_); its
#                    unit is its last part (_MS milliseconds, _RPS requests/s, _MIB MiB; none: a
#                    count or a word). VALUE...: one value per run or round, in the order
#                    measured, words without blanks ("?": not known). A later line with the same
#                    KEY replaces an earlier one: a script reprints the whole list after each
#                    round, so that a run stopped by its time limit keeps what it measured.
#     # TEXT         a note for a reader (what was measured, with which settings).
#
# Progress and errors go to stderr (`log`, `die`). A Java bench client (acme-filter's test
# classes, dev.acmefilter.bench) can print result lines itself: `relay_results java ...` passes
# them on. load_results reads result lines back into arrays named by their keys (bench/run-all.sh
# does so for every step). Every script also answers `--needs` (its NEEDS, one a line: run-all
# installs them all before its first step) and honours KEEP_WORK=1 (its work folder is kept).
#
# Adding a measurement: write bench/<measurement>.sh as above (runnable on its own, its options
# as arguments or environment variables, its figures as result lines), then add one line to
# the STEPS_TABLE of bench/run-all.sh (step name, time limit, script and arguments). run-all
# installs what the script's NEEDS name, runs it under its time limit and, unless the report
# has a section written for it, shows its notes and figures (median, min, max, all values)
# in a section of BENCHMARKS.md of its own.
#
# Everything a script starts with `spawn` runs in a process group of its own and is stopped
# when the script exits, however it exits (error, time limit, Ctrl-C). Servers listen on free
# loopback ports (free_port) chosen at run time.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT" || exit 1

# The settings of bench/run-all.sh's measurements, in one place so that the scripts and the
# report agree; each can be set in the environment.
RUNS=${RUNS:-5}                     # time to certificate: runs per client (at least 5)
WRK_SECONDS=${WRK_SECONDS:-5}       # length of one wrk round
WRK_ROUNDS=${WRK_ROUNDS:-7}         # challenge endpoint: rounds per configuration
WARMUP_SECONDS=${WARMUP_SECONDS:-15} # wrk warm-up of each JVM before its rounds
PAIR_SECONDS=${PAIR_SECONDS:-3}     # filter overhead: PAIRS shorter rounds of its pair
PAIRS=${PAIRS:-21}                  # (its ratio is near 1 and this machine's noise is +-15 % per round)
WRK_ARGS=(-t2 -c32)
DOMAIN=matrix.example.org           # the one name of the time to certificate
JETTY_HOME=$ROOT/jetty-base/target/jetty-home-12.1.8
WAR=$ROOT/acme-war/target/acme.war

# ------------------------------------------------------------------ set-up and clean-up
bench_init() { # name args...: `--needs` prints NEEDS and exits; else tools, work folder, traps, stdout
    BENCH_NAME=$1
    shift
    if [[ ${1:-} == --needs ]]; then
        printf '%s\n' "${NEEDS[@]}"
        exit 0
    fi
    require_tools "${NEEDS[@]}"
    # under bench/run-all.sh, BENCH_TMP is its work folder: KEEP_WORK=1 keeps every step's logs
    WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/bench-$BENCH_NAME.XXXXXX")
    chmod 755 "$WORK"   # nginx's workers read a webroot in it
    PGROUPS=()
    CLEANUP_HOOKS=()
    trap bench_cleanup EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    exec 3>&1 1>&2
}
bench_cleanup() { # the EXIT trap: hooks, then every spawned process group, then the work folder
    local rc=$? h p
    set +e
    for h in "${CLEANUP_HOOKS[@]}"; do "$h"; done
    for p in "${PGROUPS[@]}"; do stop_group "$p"; done
    if [[ -n ${KEEP_WORK:-} ]]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
require_tools() { # command:package...: as root installs the missing packages (apt-get), else names them and stops
    local t missing=()
    for t in "$@"; do command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}"); done
    ((${#missing[@]})) || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [[ $(id -u) == 0 ]] || die "missing tools: run 'sudo apt-get install -y ${missing[*]}'"
    log "installing ${missing[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null \
        || die "apt-get install -y ${missing[*]} failed"
}

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '%s: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; exit 1; }

# ------------------------------------------------------------------ results
result() { # KEY values...: one result line on the script's stdout; the values also in the array KEY
    [[ $1 =~ ^[A-Z][A-Z0-9_]*$ ]] || die "bad result key '$1'"
    local key=$1 line=$1
    shift
    (($#)) && line+=" $*"
    printf '%s\n' "$line" >&3
    # shellcheck disable=SC2229 # reads into the array named by the key
    read -r -a "$key" <<<"$*"
}
note() { printf '# %s\n' "$*" >&3; }
load_results() { # file: every result line KEY values... becomes the array KEY (the last line of a key wins)
    local key rest had
    while read -r key rest; do
        [[ $key =~ ^[A-Z][A-Z0-9_]*$ ]] || continue
        # a figure never replaces a setting or a variable of the reader: only new names or arrays
        had=$(declare -p "$key" 2>/dev/null) || true
        [[ -z $had || $had == "declare -a "* ]] || continue
        # shellcheck disable=SC2229 # reads into the array named by the key
        read -r -a "$key" <<<"$rest"
    done < "$1"
}
result_keys() { # file -> the keys of its result lines, in the order of their first line
    awk '/^[A-Z][A-Z0-9_]*( |$)/ && !seen[$1]++ { print $1 }' "$1"
}
relay_results() { # command...: runs it; its stdout (result lines) becomes this script's, loaded and summarized
    local file=$WORK/relayed.results keys
    "$@" | tee -a "$file" >&3
    load_results "$file"
    mapfile -t keys < <(result_keys "$file")
    summarize "${keys[@]}"
}
summarize() { # KEY... (given to `result`): "KEY median M (min m, max x) of: values" on stderr, for a reader
    local key ref stat vals
    for key in "$@"; do
        ref="${key}[@]"
        vals=("${!ref}")
        read -r -a stat < <(stats "${vals[@]}")
        printf '%-34s median %s (min %s, max %s) of: %s\n' "$key" "${stat[0]}" "${stat[1]}" "${stat[2]}" "${vals[*]}" >&2
    done
}

# ------------------------------------------------------------------ statistics
stats() { # values... -> "median min max" (median: middle value, or mean of the two middle ones)
    # values that are not numbers ("?": not known) do not count
    printf '%s\n' "$@" | { grep -E '^[0-9]+([.][0-9]*)?$' || true; } | sort -n | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "n/a n/a n/a"; exit }
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%s %s %s\n", m, a[1], a[NR] }'
}
median() { stats "$@" | awk '{ print $1 }'; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "n/a"; else printf "%.3f", a / b }'; }
pair_ratios() { # name-of-array-A name-of-array-B -> A[i]/B[i] for each round i (rounds measured back to back)
    local -n xs=$1 ys=$2
    local i
    for ((i = 0; i < ${#xs[@]} && i < ${#ys[@]}; i++)); do ratio "${xs[i]}" "${ys[i]}"; echo; done
}
paired() { # name-of-array-A name-of-array-B -> the median of the per-round ratios
    local r
    mapfile -t r < <(pair_ratios "$1" "$2" | grep -v n/a)
    if ((${#r[@]})); then printf '%.3f' "$(median "${r[@]}")"; else echo n/a; fi
}

# ------------------------------------------------------------------ processes and ports
spawn() { # command... : in a new process group (setsid), stopped by the clean-up; sets SPAWNED
    # <&0: else a background command's stdin is /dev/null, not the caller's redirection;
    # 3>&-: the script's result lines are not the server's
    setsid "$@" <&0 3>&- &
    SPAWNED=$!
    PGROUPS+=("$SPAWNED")
}
stop_group() { # pid [seconds]: TERM the process group, wait for it (default 5 s), then KILL
    local p=$1 i
    kill -TERM -- "-$p" 2>/dev/null || true
    for ((i = 0; i < ${2:-5} * 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# "free" means nothing listens: a bind test, not a connect test (polling a port of the ephemeral
# range with connect() can end in a TCP self-connection, which looks like a listener)
port_free() {
    python3 -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(1)' "$1"
}
wait_port_free() { # port
    local i
    for ((i = 0; i < 200; i++)); do port_free "$1" && return 0; sleep 0.05; done
    die "port $1 still in use: $(ss -ltnp "sport = :$1" 2>/dev/null | tail -n +2)"
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
wait_http() { # url seconds: until something answers HTTP there
    local i
    for ((i = 0; i < $2 * 10; i++)); do [[ $(status_of "$1") != 000 ]] && return 0; sleep 0.1; done
    return 1
}
wait_for_line() { # file pattern seconds: until the file has a line matching the (grep) pattern
    local i
    for ((i = 0; i < $3 * 20; i++)); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    return 1
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

# ------------------------------------------------------------------ load
rps() { # url seconds -> requests/s of one wrk round (WRK_ARGS); fails when wrk fails. Output: WORK/wrk.log
    local out
    out=$(wrk "${WRK_ARGS[@]}" -d"$2"s "$1" 2>&1) || { echo "wrk failed: $out" >&2; return 1; }
    printf '%s\n' "$out" >> "$WORK/wrk.log"
    awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out"
}
random_token() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# ------------------------------------------------------------------ builds
ensure_jetty_base() { # acme.war and the Jetty base, built when missing (package, not install: ~/.m2 may be shared)
    [[ -f $WAR && -f $JETTY_HOME/start.jar && -f $ROOT/jetty-base/target/webapp/acme.war ]] && return 0
    log "building (mvn -q -B -DskipTests package -pl jetty-base -am)"
    mvn -q -B -Dstyle.color=never -DskipTests package -pl jetty-base -am > "$WORK/build.log" 2>&1 \
        || die "the build failed: $(tail -20 "$WORK/build.log")"
}
bench_classpath() { # sets CP: the Java bench clients (acme-filter's test classes) and their class path
    if [[ -n ${BENCH_CP:-} ]]; then   # bench/run-all.sh compiles once for all its steps
        CP=$BENCH_CP
        return 0
    fi
    log "compiling the bench clients (mvn -pl acme-filter test-compile)"
    mvn -q -B -Dstyle.color=never -pl acme-filter test-compile > "$WORK/build.log" 2>&1 \
        || die "mvn -pl acme-filter test-compile failed: $(tail -20 "$WORK/build.log")"
    mvn -q -B -Dstyle.color=never -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$WORK/cp.txt" > "$WORK/build.log" 2>&1 || die "cannot compute the test class path"
    CP="$ROOT/acme-filter/target/test-classes:$ROOT/acme-filter/target/classes:$(cat "$WORK/cp.txt")"
}

# ------------------------------------------------------------------ servers
start_base() { # name war-or-dir config-or-empty [jvm options...]: Jetty (the Jetty base's modules) serving it
               # at / on a free port, from WORK/base-NAME; sets SB_PID and SB_PORT; log: WORK/NAME.log
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
    spawn java "$@" ${config:+"-Dacme.config=$config"} -jar "$JETTY_HOME/start.jar" "jetty.home=$JETTY_HOME" \
        "jetty.base=$base" "jetty.http.port=$port" jetty.http.host=127.0.0.1 > "$WORK/$name.log" 2>&1 < /dev/null
    SB_PID=$SPAWNED SB_PORT=$port
}
await_started() { # name: until WORK/NAME.log says the server started (at most 90 s)
    wait_for_line "$WORK/$1.log" 'Started oejs.Server' 90 || die "Jetty ($1) did not start: $(tail -5 "$WORK/$1.log")"
}
homeserver_yaml() { # file acme-lines...: a homeserver.yaml for DOMAIN, its acme section made of those lines
    {
        printf 'server_name: %s\ntls_certificate_path: tls/%s.crt\ntls_private_key_path: tls/%s.key\nacme:\n' \
            "$DOMAIN" "$DOMAIN" "$DOMAIN"
        printf '  %s\n' "${@:2}"
    } > "$1"
}
start_challenge_server() { # port token key-authorization [state-dir]: the filter in an embedded Jetty
    # (ChallengeServer, JVM options from CHALLENGE_JVM_OPTS), until the clean-up; log: WORK/challenge-PORT.log
    local port=$1
    # its stdin: a FIFO opened read-write, which never ends; the clean-up stops the server
    mkfifo "$WORK/challenge-$port.in"
    spawn java "${CHALLENGE_JVM_OPTS[@]}" -cp "$CP" dev.acmefilter.bench.ChallengeServer "$@" \
        0<> "$WORK/challenge-$port.in" > "$WORK/challenge-$port.log" 2>&1
    wait_for_line "$WORK/challenge-$port.log" '^ready' 60 \
        || die "ChallengeServer on port $port did not start: $(tail -5 "$WORK/challenge-$port.log")"
}
CHALLENGE_JVM_OPTS=()
