#!/usr/bin/env bash
# All benchmarks of issue #7 in one run: runs each measurement script, prints a table and
# regenerates BENCHMARKS.md. Not part of the test suite. At most 54 minutes (the sum of the step time limits below).
#
#   bench/run-all.sh            build what is missing, run everything, write BENCHMARKS.md
#   RUNS=7 bench/run-all.sh     runs per client for the time to certificate (default 5, at least 5)
#   WRK_SECONDS=8 ...           length of one wrk round (default 5; WRK_ROUNDS=7 rounds per configuration;
#                               the filter-overhead pair gets PAIRS=21 rounds of PAIR_SECONDS=3)
#   WARMUP_SECONDS=20 ...       wrk warm-up of each JVM configuration before its rounds (default 15)
#   NO_WRITE=1 ...              print the table only, leave BENCHMARKS.md alone
#   STEPS="challenge scale" ... only these steps (time_to_certificate filter_overhead challenge footprint scale cluster)
#   KEEP_WORK=1 ...             keep the work folder (logs of every step, in a folder of its own)
#
# Needs (Debian packages): openjdk-17-jdk-headless maven pebble certbot lego wrk nginx openssl curl,
# and what else the scripts name (`bench/<script> --needs`). As root it installs the missing ones
# with apt-get before the first step; otherwise it names them and stops.
#
# The steps (STEPS_TABLE below), each a script of its own that runs alone with the same settings
# (see its header; the settings' defaults are in bench/lib.sh). The ACME clients run against a
# local Pebble (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, pebble-challtestsrv resolving every
# name to 127.0.0.1); timed runs and wrk rounds start on a quiet machine (lib.sh's settle):
#  1. time_to_certificate  bench/time-to-certificate.sh: the provisioner in a running Jetty, acme.war
#                          cold in the Jetty base, certbot and lego, runs interleaved on one Pebble
#  2. filter_overhead      bench/filter-overhead.sh: wrk on /index.html of acme.war vs the same WAR
#                          without the filter's declaration (and a plain webapp, and the base's options)
#  3. challenge            bench/challenge-endpoint.sh: wrk on a pending and an unknown token, the
#                          filter in an embedded Jetty vs nginx serving a webroot
#  4. footprint            bench/footprint.sh 3 20: the service as installed (its options, with and without
#                          its class-data archive, the JVM's defaults) vs an empty webapp: start, VmRSS,
#                          VmHWM; certbot's peak RSS
#  5. scale                bench/scale.sh: a 100-name certificate, 50 certificates in one pass
#  6. dns01                bench/dns01.sh: dns-01 for a name and its wildcard against one BIND: ours
#                          (running and cold JVM), lego and certbot (quickest settings and defaults)
#  7. cluster              bench/cluster.sh: kill -9 of the lease holder to the certificate on all nodes
#                          (three acme.war JVMs), challenge answer latency on a node that did not order
# (bench/challenge-store.sh and bench/time-to-files.sh are run on their own.)
#
# Every step runs in a process group and session of its own, under a time limit: its script
# stops what it started when it exits, and a step that fails or hangs ends up as "failed: <why>"
# in the report, with what it measured until then; the run goes on.
#
# Adding a measurement: a new bench/<measurement>.sh that writes result lines (format and
# skeleton: the header of bench/lib.sh), and one line in STEPS_TABLE. Its figures then get a
# section of BENCHMARKS.md of their own (its notes, and median, min, max and all values of each
# figure) after the sections written for the steps above; a function section_<step> (given the
# section's number) next to other_sections below can write a better one.
set -uo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
BENCH_NAME=run-all
(($# == 0)) || die "no arguments: its settings are environment variables (see the header of bench/run-all.sh)"
((RUNS >= 5)) || die "RUNS must be at least 5"

#   step                  time limit (s)  script and arguments
STEPS_TABLE=(
    'time_to_certificate  330             time-to-certificate.sh'
    'filter_overhead      420             filter-overhead.sh'
    'challenge            200             challenge-endpoint.sh'
    'footprint            600             footprint.sh 3 20'
    'scale                300             scale.sh'
    'dns01                780             dns01.sh'
    'cluster              600             cluster.sh'
)

T_START=$(now)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# other processes using CPU when the run starts (a benchmark on a shared machine is only as good as its quiet)
OTHERS=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 >= 5 { printf "%s%s %s%%", (n++ ? ", " : ""), $2, $1 }')

# ------------------------------------------------------------------ tools and build
needs=(java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven)
for line in "${STEPS_TABLE[@]}"; do
    read -r _ _ script _ <<<"$line"
    [[ -x $ROOT/bench/$script ]] || continue
    more=$("$ROOT/bench/$script" --needs) || die "bench/$script --needs failed"
    mapfile -t -O "${#needs[@]}" needs <<<"$more"
done
require_tools "${needs[@]}"

WORK=$(mktemp -d /tmp/bench-run-all.XXXXXX)
chmod 755 "$WORK"   # the steps' work folders are in it; nginx's workers read one of them
finish() { if [[ -n ${KEEP_WORK:-} ]]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi; }
trap finish EXIT
ensure_jetty_base
bench_classpath

# ------------------------------------------------------------------ steps
declare -A STEP_ERROR=() STEP_KEYS=() STEP_NOTES=() STEP_COMMAND=()
STEP_PID=
WATCHDOG_PID=
run_step() { # name seconds script [arguments...]: the script in a session of its own, under a time limit
    local name=$1 limit=$2 script=$3 rc wd why
    shift 3
    STEP_COMMAND[$name]="bench/$script${*:+ $*}"
    if [[ -n ${STEPS:-} && " $STEPS " != *" $name "* ]]; then
        STEP_ERROR[$name]="not run (STEPS=$STEPS)"
        return 0
    fi
    if [[ ! -x $ROOT/bench/$script ]]; then
        STEP_ERROR[$name]="not run: bench/$script does not exist"
        return 0
    fi
    log "step $name: ${STEP_COMMAND[$name]} (limit ${limit} s)"
    BENCH_TMP=$WORK BENCH_CP=$CP setsid "$ROOT/bench/$script" "$@" \
        > "$WORK/$name.results" 2> >(tee "$WORK/$name.err" >&2) < /dev/null &
    STEP_PID=$!
    (
        sleep "$limit" &
        s=$!
        trap 'kill "$s" 2>/dev/null; exit 0' TERM
        wait "$s" || exit 0
        log "step $name: time limit of $limit s reached, stopping it"
        : > "$WORK/$name.timeout"
        kill -TERM -- "-$STEP_PID"
    ) 2>/dev/null &
    wd=$!
    WATCHDOG_PID=$wd
    wait "$STEP_PID"
    rc=$?
    STEP_PID=
    kill "$wd" 2>/dev/null
    wait "$wd" 2>/dev/null
    sleep 0.2   # lets tee write the step's last lines
    load_results "$WORK/$name.results"
    STEP_KEYS[$name]=$(result_keys "$WORK/$name.results" | tr '\n' ' ')
    STEP_NOTES[$name]=$(sed -n 's/^# //p' "$WORK/$name.results")
    if ((rc != 0)); then
        why=$(grep -v '^\[[0-9:]*\] ' "$WORK/$name.err" | grep -v '^\s*$' | tail -n 3 | tr '\n' ' ' | cut -c1-300)
        [[ -f $WORK/$name.timeout ]] && why="stopped after its time limit of $limit s. ${why}"
        STEP_ERROR[$name]="failed (exit $rc): ${why:-no message}"
        log "step $name ${STEP_ERROR[$name]}"
    fi
}
on_signal() {
    [[ -n $WATCHDOG_PID ]] && kill -TERM "$WATCHDOG_PID" 2>/dev/null
    [[ -n $STEP_PID ]] && kill -TERM -- "-$STEP_PID" 2>/dev/null && wait "$STEP_PID" 2>/dev/null
    exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# what the report's own sections show (empty when a step fails before)
TTC_RUNNING_MS=() TTC_COLD_MS=() TTC_CERTBOT_MS=() TTC_LEGO_MS=() TTC_COLD_SERVER_STARTED_MS=() TTC_COLD_ORDER_MS=()
TTC_FIRST_MS=() TTC_FIRST_SERVER_STARTED_MS=() TTC_FIRST_ORDER_MS=() TTC_WARMUP_MS=()
FILTER_WAR_RPS=() FILTER_NOFILTER_RPS=() FILTER_PLAIN_RPS=() FILTER_BASE_OPTIONS_RPS=() FILTER_BASE_JVM_OPTIONS=()
CHALLENGE_FILTER_200_RPS=() CHALLENGE_NGINX_200_RPS=() CHALLENGE_FILTER_404_RPS=() CHALLENGE_NGINX_404_RPS=()
FOOTPRINT_SETTLE_S=() FOOTPRINT_CERTBOT_MS=() FOOTPRINT_CERTBOT_PEAK_MIB=()
for conf in SERVICE NO_ARCHIVE JVM_DEFAULTS EMPTY; do   # read through ${!ref} in footprint_table
    for figure in LISTEN_MS SERVE_MS CERT_MS CPU_MS RSS_MIB HWM_MIB; do declare -a "FOOTPRINT_${conf}_$figure=()"; done
done
for line in "${STEPS_TABLE[@]}"; do
    read -r -a step <<<"$line"
    run_step "${step[@]}"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
TOTAL_S=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')

# ================================================================== report
read -r Am Amin Amax < <(stats "${TTC_RUNNING_MS[@]}")
read -r Bm Bmin Bmax < <(stats "${TTC_COLD_MS[@]}")
read -r Cm Cmin Cmax < <(stats "${TTC_CERTBOT_MS[@]}")
read -r Dm Dmin Dmax < <(stats "${TTC_LEGO_MS[@]}")
R_AC=$(ratio "$Am" "$Cm"); R_AD=$(ratio "$Am" "$Dm"); R_BC=$(ratio "$Bm" "$Cm"); R_BD=$(ratio "$Bm" "$Dm")
# the target ratios: medians of the per-round ratios of rounds measured back to back (a drifting
# load on a shared machine cancels out); the ratios of the medians are shown beside them
R_F=$(paired FILTER_WAR_RPS FILTER_NOFILTER_RPS)
R_F_OF_MEDIANS=$(ratio "$(median "${FILTER_WAR_RPS[@]}")" "$(median "${FILTER_NOFILTER_RPS[@]}")")
R_FP=$(ratio "$(median "${FILTER_WAR_RPS[@]}")" "$(median "${FILTER_PLAIN_RPS[@]}")")
R_FJ=$(ratio "$(median "${FILTER_BASE_OPTIONS_RPS[@]}")" "$(median "${FILTER_WAR_RPS[@]}")")
R_200=$(paired CHALLENGE_FILTER_200_RPS CHALLENGE_NGINX_200_RPS)
R_404=$(paired CHALLENGE_FILTER_404_RPS CHALLENGE_NGINX_404_RPS)
R_200_OF_MEDIANS=$(ratio "$(median "${CHALLENGE_FILTER_200_RPS[@]}")" "$(median "${CHALLENGE_NGINX_200_RPS[@]}")")
R_404_OF_MEDIANS=$(ratio "$(median "${CHALLENGE_FILTER_404_RPS[@]}")" "$(median "${CHALLENGE_NGINX_404_RPS[@]}")")
meets() { # value op target -> yes/NO/n/a
    [[ $1 =~ ^[0-9.]+$ ]] || { echo "n/a"; return; }
    awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "yes" : "**NO**" }'
}
status() { # step -> the step's error, or nothing
    [[ -n ${STEP_ERROR[$1]:-} ]] && printf '\n\n**Step %s %s**\n' "$1" "${STEP_ERROR[$1]}"
}

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
CPU=$(lscpu | sed -n 's/^Model name: *//p')
CORES=$(nproc)
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
OS="$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
java -version > "$WORK/java.version" 2>&1
JAVA_V=$(sed -n 1p "$WORK/java.version")
mvn -v > "$WORK/mvn.version" 2>/dev/null   # not piped into head: with pipefail, mvn's SIGPIPE ended the run once
MVN_V=$(sed -n 1p "$WORK/mvn.version" | sed 's/\x1b\[[0-9;]*m//g')

footprint_table() { # bench/footprint.sh's figures: a row per configuration, medians (min-max), and certbot's
    local conf what row figure ref vals m lo hi
    printf '| configuration | launch -> listening | -> serving HTTP | -> certificate on disk | JVM CPU to certificate | VmRSS | VmHWM | runs |\n'
    printf '|---|---|---|---|---|---|---|---|\n'
    for conf in SERVICE NO_ARCHIVE JVM_DEFAULTS EMPTY; do
        case $conf in
            SERVICE) what="the service's options, with its class-data archive (as installed)" ;;
            NO_ARCHIVE) what="the service's options, no archive (\`ACME_FAST_START=0\`)" ;;
            JVM_DEFAULTS) what="the JVM's defaults (no options, no archive)" ;;
            EMPTY) what="baseline: the same Jetty, options and archive, an empty webapp (CPU: to serving)" ;;
        esac
        row="| $what"
        for figure in LISTEN_MS SERVE_MS CERT_MS CPU_MS RSS_MIB HWM_MIB; do
            ref="FOOTPRINT_${conf}_${figure}[@]"
            vals=("${!ref}")
            if ((${#vals[@]} == 0)); then row+=" | -"; continue; fi
            read -r m lo hi < <(stats "${vals[@]}")
            case $figure in
                *_MS) row+=" | $(awk -v m="$m" -v a="$lo" -v b="$hi" 'BEGIN { printf "%.2f s (%.2f-%.2f)", m / 1000, a / 1000, b / 1000 }')" ;;
                *) row+=" | $m MiB ($lo-$hi)" ;;
            esac
        done
        ref="FOOTPRINT_${conf}_RSS_MIB[@]"
        vals=("${!ref}")
        printf '%s | %d |\n' "$row" "${#vals[@]}"
    done
    read -r m lo hi < <(stats "${FOOTPRINT_CERTBOT_MS[@]}")
    row="| certbot certonly --standalone (launch -> exit; peak RSS) | - | - | $(awk -v m="$m" -v a="$lo" -v b="$hi" \
        'BEGIN { if (m == "n/a") print "n/a"; else printf "%.2f s (%.2f-%.2f)", m / 1000, a / 1000, b / 1000 }') | -"
    read -r m lo hi < <(stats "${FOOTPRINT_CERTBOT_PEAK_MIB[@]}")
    printf '%s | peak %s MiB (%s-%s) | - | %d |\n' "$row" "$m" "$lo" "$hi" "${#FOOTPRINT_CERTBOT_PEAK_MIB[@]}"
}
footprint_targets() { # the issue's targets for the service as installed, against its medians
    local rss listen added
    rss=$(median "${FOOTPRINT_SERVICE_RSS_MIB[@]}")
    listen=$(median "${FOOTPRINT_SERVICE_LISTEN_MS[@]}")
    added=$(minus "$rss" "$(median "${FOOTPRINT_EMPTY_RSS_MIB[@]}")" %d)
    printf 'Targets (issue #16), the service as installed: VmRSS after the first certificate <= 96 MiB: %s MiB, met: %s;' \
        "$rss" "$(meets "$rss" "<=" 96)"
    printf ' launch -> listening <= 1.5 s: %s ms, met: %s. acme.war adds %s MiB of RSS to the empty webapp.\n' \
        "$listen" "$(meets "$listen" "<=" 1500)" "$added"
}
minus() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "n/a"; else printf f, a - b }'; }

scale_section() { # the rows of bench/scale.sh's figures: the 100-name certificate, then each concurrency level
    local key what ref m lo hi vals header=
    for key in ${STEP_KEYS[scale]:-}; do
        case $key in
            SCALE_100_NAMES_MS) what="100-name certificate, order start to files" ;;
            SCALE_50_CERTS_C*_MS) what=${key#SCALE_50_CERTS_C}; what="50 certificates in one pass, max_concurrent_orders ${what%_MS}" ;;
            *) continue ;;
        esac
        if [[ -z $header ]]; then
            # shellcheck disable=SC2016 # Markdown's back quotes
            printf 'From `%s` (a local Pebble, the provisioner in-process):\n\n' "${STEP_COMMAND[scale]}"
            printf '| case | median | min | max | runs |\n|---|---:|---:|---:|---|\n'
            header=1
        fi
        ref="${key}[@]"
        vals=("${!ref}")
        read -r m lo hi < <(stats "${vals[@]}")
        printf '| %s | median %s ms | min %s ms | max %s ms | %d runs |\n' "$what" "$m" "$lo" "$hi" "${#vals[@]}"
    done
}

other_sections() { # first-number: a section for each step not in the numbered sections of report():
                   # section_STEP number when there is such a function, else its notes and figures
    local n=$1 line step key m lo hi ref vals
    for line in "${STEPS_TABLE[@]}"; do
        read -r step _ <<<"$line"
        [[ " time_to_certificate filter_overhead challenge footprint scale " == *" $step "* ]] && continue
        if declare -F "section_$step" > /dev/null; then
            "section_$step" "$n"
            n=$((n + 1))
            continue
        fi
        # shellcheck disable=SC2016 # Markdown's back quotes
        printf '\n## %d. %s\n\nFrom `%s`:%s\n' "$n" "${step//_/ }" "${STEP_COMMAND[$step]}" "$(status "$step")"
        [[ -n ${STEP_NOTES[$step]:-} ]] && printf '\n%s\n' "${STEP_NOTES[$step]}"
        printf '\n| figure | median | min | max | all values |\n|---|---:|---:|---:|---|\n'
        for key in ${STEP_KEYS[$step]:-}; do
            ref="${key}[@]"
            vals=("${!ref}")
            read -r m lo hi < <(stats "${vals[@]}")
            printf '| %s | %s | %s | %s | %s |\n' "$key" "$m" "$lo" "$hi" "${vals[*]}"
        done
        n=$((n + 1))
    done
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

| measurement | ratio or value | target | met |
|---|---|---|---|
| time to certificate, running container vs certbot | $R_AC | <= 0.10 | $(meets "$R_AC" "<=" 0.10) |
| time to certificate, running container vs lego | $R_AD | <= 0.10 | $(meets "$R_AD" "<=" 0.10) |
| time to certificate, cold deployment of acme.war vs certbot | $R_BC | <= 0.70 | $(meets "$R_BC" "<=" 0.70) |
| filter overhead (static file, acme.war / acme.war without the filter) | $R_F | >= 0.98 | $(meets "$R_F" ">=" 0.98) |
| challenge endpoint, pending token (filter / nginx) | $R_200 | >= 0.80 | $(meets "$R_200" ">=" 0.80) |
| challenge endpoint, unknown token 404 (filter / nginx) | $R_404 | >= 0.80 | $(meets "$R_404" ">=" 0.80) |
| footprint: VmRSS of the service as installed after its first certificate (MiB) | $(median "${FOOTPRINT_SERVICE_RSS_MIB[@]}") | <= 96 | $(meets "$(median "${FOOTPRINT_SERVICE_RSS_MIB[@]}")" "<=" 96) |
| footprint: the service as installed, launch -> listening (ms) | $(median "${FOOTPRINT_SERVICE_LISTEN_MS[@]}") | <= 1500 | $(meets "$(median "${FOOTPRINT_SERVICE_LISTEN_MS[@]}")" "<=" 1500) |

## 1. Time to certificate

One name (\`$DOMAIN\`, the default \`server_name\`-only set-up), EC P-256 keys everywhere, a new ACME
account every run, $RUNS runs per client interleaved a, b, c, d, a, b, ... on Pebble's one http-01
port, each started once the CPUs were at least 90 % idle for 0.2 s (at most 3 s of waiting). Every time ends when the certificate chain on disk verifies against Pebble's root and the key
on disk matches it (openssl for b, c, d; the same checks in-process for a).$(status time_to_certificate)

| client | median ms | min ms | max ms | vs certbot | vs lego | all runs (ms) |
|---|---:|---:|---:|---:|---:|---|
| a) provisioner in a running Jetty (order start -> verified files) | $Am | $Amin | $Amax | $R_AC | $R_AD | ${TTC_RUNNING_MS[*]} |
| b) acme.war, cold: \`jetty-base/run homeserver.yaml\` launched -> Jetty deploys -> verified files | $Bm | $Bmin | $Bmax | $R_BC | $R_BD | ${TTC_COLD_MS[*]} |
| c) certbot certonly --standalone (launch -> exit -> verified) | $Cm | $Cmin | $Cmax | 1 | $(ratio "$Cm" "$Dm") | ${TTC_CERTBOT_MS[*]} |
| d) lego --http run (launch -> exit -> verified) | $Dm | $Dmin | $Dmax | $(ratio "$Dm" "$Cm") | 1 | ${TTC_LEGO_MS[*]} |

(a) runs in one JVM that first did one warm-up order (${TTC_WARMUP_MS[0]:-?} ms, not counted): the state of a
container that has been running. (b) is a new JVM every run, started the way an admin starts it; the
first start after installing (not in the table: ${TTC_FIRST_MS[0]:-n/a} ms, server started at ${TTC_FIRST_SERVER_STARTED_MS[0]:-n/a} ms of JVM uptime,
order ${TTC_FIRST_ORDER_MS[0]:-n/a} ms) found no start cache: it unpacked the WAR without its jars' signatures and wrote
the class-data archive when it stopped, which every later start maps (see \`jetty-base/run\`). Each run
has a new homeserver.yaml, as a first deployment: it is checked inside Jetty's JVM, not in one of its
own. Breakdown of (b), medians from Jetty's log: server
started (deployment of acme.war included) at $(median "${TTC_COLD_SERVER_STARTED_MS[@]}") ms of JVM uptime; the provisioner's own
order-to-files time $(median "${TTC_COLD_ORDER_MS[@]}") ms (per run: ${TTC_COLD_ORDER_MS[*]}).

## 2. Filter overhead

\`GET /index.html\` (the WAR's own static file, ACME disabled) in the Jetty base, requests/s; every JVM
with the JVM's default settings, as in a container that serves an application (the filter's cost matters
there), unless noted.$(status filter_overhead)

| webapp at / | median req/s | rounds |
|---|---:|---|
| acme.war | $(median "${FILTER_WAR_RPS[@]}") | ${FILTER_WAR_RPS[*]} |
| acme.war without the filter (its declaration removed from web.xml) | $(median "${FILTER_NOFILTER_RPS[@]}") | ${FILTER_NOFILTER_RPS[*]} |
| a webapp with only the same index.html (no Weld, no filter) | $(median "${FILTER_PLAIN_RPS[@]}") | ${FILTER_PLAIN_RPS[*]} |
| acme.war with the Jetty base's options (\`jetty-base/run --jvm-options\`: ${FILTER_BASE_JVM_OPTIONS[*]}) | $(median "${FILTER_BASE_OPTIONS_RPS[@]}") | ${FILTER_BASE_OPTIONS_RPS[*]} |

Filter overhead ratio (acme.war / without the filter), the median of the $PAIRS per-round ratios of
${PAIR_SECONDS} s rounds measured back to back in alternating order: **$R_F** (per round: $(pair_ratios FILTER_WAR_RPS FILTER_NOFILTER_RPS | tr '\n' ' ')).
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
| pending token (200) | $(median "${CHALLENGE_FILTER_200_RPS[@]}") | $(median "${CHALLENGE_NGINX_200_RPS[@]}") | $R_200 | $R_200_OF_MEDIANS | ${CHALLENGE_FILTER_200_RPS[*]} | ${CHALLENGE_NGINX_200_RPS[*]} |
| unknown token (404) | $(median "${CHALLENGE_FILTER_404_RPS[@]}") | $(median "${CHALLENGE_NGINX_404_RPS[@]}") | $R_404 | $R_404_OF_MEDIANS | ${CHALLENGE_FILTER_404_RPS[*]} | ${CHALLENGE_NGINX_404_RPS[*]} |

Each round measures the filter and nginx back to back with the same \`wrk ${WRK_ARGS[*]}\`.

## 4. Footprint

From \`${STEP_COMMAND[footprint]}\`: the launcher the .deb and the tarball install
(\`jetty-base/target/matrix-acme/bin/matrix-acme\`) against a local Pebble, a new homeserver.yaml and
account every run (a first deployment), configurations interleaved run by run, each run started on a
quiet machine; medians (min-max). Listening: the port is in LISTEN state (Jetty binds it before it
deploys the WAR); serving: the first HTTP answer; certificate: the chain and key on disk (then
checked against Pebble's root). VmRSS and VmHWM from \`/proc/<pid>/status\`, ${FOOTPRINT_SETTLE_S[0]:-?} s after the
certificate (the empty webapp: after serving). certbot: \`/usr/bin/time\`'s maximum resident set size.$(status footprint)

$(footprint_table)

$(footprint_targets)
$(printf '%s\n' "${STEP_NOTES[footprint]:-}" | sed 's/^/\n/')

## 5. Scale
$(status scale)
$(scale_section)
$(other_sections 6)
EOF
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if [[ -z ${NO_WRITE:-} ]]; then
    cp "$WORK/report.md" "$ROOT/BENCHMARKS.md"
    log "wrote $ROOT/BENCHMARKS.md"
fi
log "total run time ${TOTAL_S} s"
