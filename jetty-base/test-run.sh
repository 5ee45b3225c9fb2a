#!/usr/bin/env bash
# Checks jetty-base/run end to end (non-interactive, for CI):
#   1. run --listen-settings maps acme.port / acme.bind_addresses as documented; run with a wrong
#      file exits 2 with the message, with and without the class-data archive; the JVM options
#      trim the native heap only on a Java that has the option, and this machine's Java takes them;
#      once the service is idle, Jetty keeps its 2 idle threads and Weld keeps none
#   2. without pebble, run prints the install hint and exits 2
#   3. run --demo-check issues and verifies a certificate from Pebble, renews it with acme-admin
#      while Jetty runs, and exits 0; acme-admin names a wrong setting and exits 2
#   4. afterwards no pebble or Jetty process started by it is left
#   5. the start-up optimisation's own test (test-class-data-archive.sh)
set -euo pipefail
BASE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=jetty-base/test-lib.sh
source "$BASE/test-lib.sh"
RUN=$BASE/run
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { printf 'ok: %s\n' "$*"; }

# ---- 1. listen settings
listen() { # yaml-body expected-output
    printf '%s\n' "$1" > "$TMP/hs.yaml"
    local out
    out=$("$RUN" --listen-settings "$TMP/hs.yaml" 2>/dev/null | tr '\n' ' ') || true
    if [[ $out == "$2" ]]; then ok "listen settings: $2"; else fail "listen settings for [$1]: got [$out], expected [$2]"; fi
}
listen 'server_name: example.org' 'port=8009 host= '
listen $'server_name: example.org\nacme:\n  port: 8123' 'port=8123 host= '
listen $'server_name: example.org\nacme:\n  bind_addresses: ["::", "0.0.0.0"]' 'port=8009 host= '
listen $'server_name: example.org\nacme:\n  bind_addresses: ["127.0.0.1"]' 'port=8009 host=127.0.0.1 '
listen $'server_name: example.org\nacme:\n  bind_addresses: ["::1", "127.0.0.1"]' 'port=8009 host=::1 '
printf 'acme:\n  port: 99999\n' > "$TMP/bad.yaml"
if "$RUN" --listen-settings "$TMP/bad.yaml" > /dev/null 2> "$TMP/err"; then
    fail "an invalid acme.port was accepted"
elif grep -q 'acme.port: 99999' "$TMP/err"; then
    ok "invalid acme.port rejected: $(cat "$TMP/err")"
else
    fail "unexpected message for an invalid acme.port: $(cat "$TMP/err")"
fi

# serving a wrong file exits 2 with the loader's message before Jetty starts, whether the JVM
# writes a class-data archive (a start with a cache folder) or not (ACME_FAST_START=0)
for mode in 1 0; do
    set +e
    ACME_FAST_START=$mode "$RUN" "$TMP/bad.yaml" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    set -e
    if [[ $rc == 2 ]] && grep -q 'acme.port: 99999 is not a port number' "$TMP/err" && ! grep -q 'jetty-12' "$TMP/out" "$TMP/err"; then
        ok "run with an invalid acme.port (ACME_FAST_START=$mode): exit 2 before Jetty starts"
    else
        fail "run with an invalid acme.port (ACME_FAST_START=$mode): rc=$rc, $(cat "$TMP/out" "$TMP/err")"
    fi
done

# Once the service is idle, a few seconds after it served: Jetty's pool is back to its 2 idle
# threads (start.d/threadpool.ini; the acceptor is one of them, and Jetty's default is 10), and
# Weld bootstrapped without a pool of its own (ServiceMain.SETTINGS). Linux names a thread by
# the first 15 characters of its Java name: qtp<hash>-<n>, weld-worker-<n>.
port=$(free_port 28109)
printf 'server_name: example.org\nacme:\n  enabled: false\n  port: %s\n  bind_addresses: [127.0.0.1]\n' "$port" > "$TMP/idle.yaml"
setsid "$RUN" "$TMP/idle.yaml" > "$TMP/idle.out" 2>&1 < /dev/null &
service=$!
threads() { # prefix -> the number of the service's threads whose name starts with it
    local n=0 comm
    for comm in /proc/"$service"/task/*/comm; do
        [[ $(cat "$comm" 2>/dev/null) == "$1"* ]] && n=$((n + 1))
    done
    printf '%s' "$n"
}
served=''
for ((i = 0; i < 600; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/.well-known/acme-challenge/x") != 000 ]] && { served=1; break; }
    kill -0 "$service" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $served ]]; then
    fail "the service with acme.enabled false did not serve: $(tail -5 "$TMP/idle.out")"
else
    for ((i = 0; i < 300; i++)); do
        (($(threads qtp) <= 2)) && break
        sleep 0.1
    done
    jetty=$(threads qtp) weld=$(threads weld-worker)
    if ((jetty <= 2 && weld == 0)); then
        ok "the idle service keeps $jetty of Jetty's threads and none of Weld's"
    else
        fail "the idle service keeps $jetty of Jetty's threads (at most 2 expected) and $weld of Weld's (none expected)"
    fi
fi
kill -TERM -- "-$service" 2>/dev/null || true
wait "$service" 2>/dev/null || true

# -XX:TrimNativeHeapInterval only for a runtime whose release file says it has it (17.0.9+,
# 21.0.1+, 22+): an older Java would refuse to start with it
fake_java() { # version-or-empty -> the path of a java whose release file says that version
    local dir=$TMP/jdk-${1:-none}
    mkdir -p "$dir/bin"
    printf '#!/bin/sh\nexit 0\n' > "$dir/bin/java" && chmod +x "$dir/bin/java"
    [[ -z $1 ]] || printf 'IMPLEMENTOR="test"\nJAVA_VERSION="%s"\n' "$1" > "$dir/release"
    printf '%s' "$dir/bin/java"
}
for case in 17.0.8:no 17.0.9:yes 17.0.15:yes 21:no 21.0.1:yes 22:yes 25.0.1:yes :no; do
    version=${case%:*} expected=${case##*:}
    opts=$(JAVA=$(fake_java "$version") "$RUN" --jvm-options | tr '\n' ' ')
    if [[ $opts == *-XX:TrimNativeHeapInterval=5000* ]]; then got=yes; else got=no; fi
    if [[ $got == "$expected" ]]; then
        ok "JVM options for Java '${version:-without a release file}': trimming $got"
    else
        fail "JVM options for Java '${version:-without a release file}': trimming $got, expected $expected ($opts)"
    fi
done
mapfile -t opts < <("$RUN" --jvm-options)
if java "${opts[@]}" -version > /dev/null 2> "$TMP/err"; then
    ok "this machine's java starts with the service's options: ${opts[*]}"
else
    fail "this machine's java refuses the service's options ${opts[*]}: $(cat "$TMP/err")"
fi

# ---- 2. pebble missing
set +e
out=$(PEBBLE=/nonexistent/pebble "$RUN" --demo-check 2>&1)
rc=$?
set -e
expected="pebble is not installed: run 'sudo apt-get install -y pebble' (Debian package pebble)"
if [[ $rc == 2 && $out == "$expected" ]]; then ok "missing pebble: exit 2 with the install hint"; else fail "missing pebble: rc=$rc output=[$out]"; fi

# ---- 3. the demo, non-interactive
start=$EPOCHREALTIME
set +e
"$RUN" --demo-check > "$TMP/demo.out" 2>&1
rc=$?
set -e
cat "$TMP/demo.out"
secs=$(awk -v a="${start/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", b - a }')
if [[ $rc == 0 ]] && grep -qx 'Certificate verified.' "$TMP/demo.out"; then
    ok "run --demo-check verified a certificate (${secs} s in all)"
else
    fail "run --demo-check exited $rc"
fi
if grep -q '^Admin command: renewed through the running Jetty' "$TMP/demo.out"; then
    ok "acme-admin renewed the certificate through the running Jetty"
else
    fail "acme-admin did not renew the demo's certificate"
fi
set +e
"$BASE/acme-admin" --config "$TMP/bad.yaml" status > /dev/null 2> "$TMP/err"
rc=$?
set -e
if [[ $rc == 2 ]] && grep -q 'acme.port: 99999' "$TMP/err"; then
    ok "acme-admin: invalid acme.port rejected with exit 2"
else
    fail "acme-admin with an invalid acme.port: rc=$rc, $(cat "$TMP/err")"
fi

# ---- 4. nothing left behind
for pid in $(sed -n 's/^\(Pebble\|Jetty\) (pid \([0-9]*\)).*/\2/p' "$TMP/demo.out"); do
    if kill -0 "$pid" 2>/dev/null; then fail "process $pid from the demo is still running"; else ok "pid $pid is gone"; fi
done
left=$(pgrep -f -- "$BASE/demo/pebble/pebble-config.json|ServiceMain $BASE/demo/homeserver.yaml" || true)
if [[ -n $left ]]; then fail "processes left behind: $left"; else ok "no pebble or Jetty process of this base is left"; fi

# ---- 5. the class-data archive
bash "$BASE/test-class-data-archive.sh" || fail "test-class-data-archive.sh"

if ((failures > 0)); then
    printf '%d check(s) failed\n' "$failures" >&2
    exit 1
fi
echo "All checks passed."
