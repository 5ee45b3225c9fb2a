#!/usr/bin/env bash
# Tests the release artifacts as an admin uses them (./test runs it; CI runs as root on Debian,
# without systemd as PID 1). Needs root, Debian's pebble, prometheus (promtool), openssl, curl,
# perl, setpriv (util-linux) and systemd (systemd-analyze).
#   1. the tarball, unpacked into an empty folder, run against Pebble with only java on the PATH
#      (no Maven; HOME an empty folder, so no ~/.m2): a certificate is issued and verifies, the
#      admin command reports it, /acme/metrics passes promtool check metrics
#   2. the alert rules shipped in it: promtool check rules, promtool test rules
#   3. the .deb: dpkg -i on a host with a Debian-style /etc/matrix-synapse; the user, the files,
#      their modes, the conffile, the unit (systemd-analyze verify, exposure score <= 2)
#   4. the unit's ExecStart, run as systemd would (the unit's user, capabilities, no new
#      privileges, umask, environment file, state and cache folders) against Pebble on port 80:
#      the certificate is written and a stand-in Synapse gets its HUP; acme-admin on the PATH works
#   5. dpkg -r, then dpkg --purge: certificates, keys and homeserver.yaml stay, nothing of the
#      package is left
# Everything it starts or installs is undone at the end, also after a failure; a run that was
# interrupted (even by KILL) is cleaned up by the next one, from its state in $STATE.
# Builds the artifacts when they are missing (mvn -B -q -DskipTests package -pl jetty-base -am).
set -euo pipefail
BASE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=jetty-base/test-lib.sh
source "$BASE/test-lib.sh"
ROOT=$(dirname "$BASE")
STATE=/run/matrix-acme-package-test       # root-only: /run is not world-writable
PKG=matrix-acme
SERVICE_USER=matrix-synapse
ETC=/etc/matrix-synapse
FIXTURE_MARK=$ETC/.matrix-acme-package-test
failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { printf 'ok: %s\n' "$*"; }
die() { printf 'test-packages: %s\n' "$*" >&2; exit 1; }
check() { # description command...: ok when the command succeeds
    local what=$1; shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

[[ $(id -u) == 0 ]] || die "needs root (dpkg -i, port 80, running the service as $SERVICE_USER)"
for tool in dpkg setpriv systemd-analyze promtool pebble openssl curl perl java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (.ci/run installs what this needs)"
done

# ---------------------------------------------------------------- processes and cleanup

# started processes: "pid starttime" in $STATE/pids (each in its own process group, via setsid)
starttime() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null || true; }
spawn() { # log command...: starts it in its own session; sets SPAWNED
    local log=$1; shift
    setsid "$@" > "$log" 2>&1 < /dev/null &
    SPAWNED=$!
    printf '%s %s\n' "$SPAWNED" "$(starttime "$SPAWNED")" >> "$STATE/pids"
}
stop_group() { # pid [seconds]: TERM its process group, KILL after the time; returns its exit status
    local pid=$1 wait=${2:-10} i status=0
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < wait * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        printf 'process %s did not stop within %s s: killing it\n' "$pid" "$wait" >&2
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || status=$?
    return "$status"
}

# Undoes what a run (this one, or an interrupted earlier one) left, from $STATE.
undo() {
    [[ -d $STATE ]] || return 0
    local pid start
    if [[ -f $STATE/pids ]]; then
        while read -r pid start; do
            # only the process that was started: a reused pid has another start time
            if [[ -n $pid && $(starttime "$pid") == "$start" ]]; then
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            fi
        done < "$STATE/pids"
    fi
    if [[ -f $STATE/package ]]; then
        dpkg --purge "$PKG" > /dev/null 2>&1 || true
        rm -rf /var/lib/matrix-acme /var/cache/matrix-acme /etc/systemd/system/multi-user.target.wants/matrix-acme.service
    fi
    if [[ -f $STATE/fixture ]]; then
        # ours when it has the mark, or is still empty (interrupted right after mkdir)
        if [[ -f $FIXTURE_MARK ]]; then rm -rf "$ETC"; else rmdir "$ETC" 2>/dev/null || true; fi
    fi
    if [[ -f $STATE/user ]] && getent passwd "$SERVICE_USER" > /dev/null; then
        userdel "$SERVICE_USER" 2>/dev/null || true
        getent group "$SERVICE_USER" > /dev/null && groupdel "$SERVICE_USER" 2>/dev/null || true
    fi
    rm -rf "$STATE"
}

undo   # an earlier run that was interrupted
if dpkg-query -W -f '${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; then
    die "$PKG is installed on this machine, not by this test: refusing to install, run and purge it"
fi
[[ ! -e $ETC ]] || die "$ETC exists: this test puts a Debian-style Synapse config there; refusing on a host with Synapse"
for dir in /var/lib/matrix-acme /var/cache/matrix-acme; do
    [[ ! -e $dir ]] || die "$dir exists (left by an earlier install?): it may hold an ACME account key; refusing to touch it"
done
if (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null; then
    die "something listens on port 80; the service under test must bind it"
fi
mkdir -m 0711 "$STATE"    # others may pass through (the service's user reads the stand-in's pid file), not list
trap 'undo' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
: > "$STATE/pids"
getent passwd "$SERVICE_USER" > /dev/null || : > "$STATE/user"   # created by postinst: remove it at the end

# ---------------------------------------------------------------- artifacts

TARBALL=$(ls "$BASE"/target/matrix-acme-*.tar.gz 2>/dev/null | head -n 1 || true)
DEB=$(ls "$BASE"/target/"$PKG"_*_all.deb 2>/dev/null | head -n 1 || true)
if [[ -z $TARBALL || -z $DEB ]]; then
    echo "Building the tarball and the .deb (mvn -B -q -DskipTests package -pl jetty-base -am)"
    (cd "$ROOT" && mvn -B -q -DskipTests package -pl jetty-base -am) || die "the build failed"
    TARBALL=$(ls "$BASE"/target/matrix-acme-*.tar.gz | head -n 1)
    DEB=$(ls "$BASE"/target/"$PKG"_*_all.deb | head -n 1)
fi
echo "== artifacts: $(basename "$TARBALL") ($(du -m "$TARBALL" | cut -f1) MiB), $(basename "$DEB") ($(du -m "$DEB" | cut -f1) MiB)"

# ---------------------------------------------------------------- Pebble

make_ca() { # folder: a throwaway CA and a localhost certificate for Pebble's own HTTPS
    local d=$1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=package test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$d/localhost.key" -out "$d/localhost.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$d/ext"
    openssl x509 -req -in "$d/localhost.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/ext" -out "$d/localhost.crt" 2>/dev/null
}

start_pebble() { # folder http-port: sets PEBBLE_PID, PEBBLE_DIR (the directory URL) and PEBBLE_MGMT
    local d=$1 acme mgmt i
    mkdir -p "$d"
    make_ca "$d"
    acme=$(free_port 24000)
    mgmt=$(free_port $((acme + 1)))
    cat > "$d/pebble.json" <<EOF
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$d/localhost.crt", "privateKey": "$d/localhost.key", "httpPort": $2, "tlsPort": 5001,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
EOF
    spawn "$d/pebble.log" env PEBBLE_VA_NOSLEEP=1 pebble -config "$d/pebble.json"
    PEBBLE_PID=$SPAWNED
    PEBBLE_DIR=https://localhost:$acme/dir
    PEBBLE_MGMT=https://localhost:$mgmt
    for ((i = 0; i < 150; i++)); do
        curl -sf --max-time 2 --cacert "$d/ca.pem" "$PEBBLE_DIR" 2>/dev/null | grep -q newOrder && return 0
        sleep 0.1
    done
    die "Pebble did not answer at $PEBBLE_DIR: $(tail -5 "$d/pebble.log")"
}

verifies() { # certificate key pebble-folder: the chain verifies against Pebble's root, the key matches
    curl -sf --max-time 5 --cacert "$3/ca.pem" "$PEBBLE_MGMT/roots/0" > "$3/root.pem" || return 1
    openssl x509 -in "$1" -out "$3/leaf.pem" 2>/dev/null || return 1
    openssl verify -CAfile "$3/root.pem" -untrusted "$1" -verify_hostname localhost "$3/leaf.pem" > /dev/null 2>&1 \
        && cmp -s <(openssl pkey -in "$2" -pubout 2>/dev/null) <(openssl x509 -in "$1" -noout -pubkey)
}

wait_for() { # seconds pid description test...: polls the test every 0.1 s while pid lives
    local secs=$1 pid=$2 what=$3 i; shift 3
    for ((i = 0; i < secs * 10; i++)); do
        "$@" && return 0
        kill -0 "$pid" 2>/dev/null || { fail "$what: the process exited"; return 1; }
        sleep 0.1
    done
    fail "$what: not within $secs s"
    return 1
}

# ---------------------------------------------------------------- 1. the tarball

echo "== 1. the tarball with only java on the PATH"
T=$STATE/tarball
mkdir -p "$T/install" "$T/home" "$T/path" "$T/config/acme"
tar -xzf "$TARBALL" -C "$T/install"
INSTALL=$(echo "$T"/install/matrix-acme-*)
check "the tarball holds one folder, matrix-acme-<version>" test -x "$INSTALL/bin/matrix-acme"
ln -s "$(readlink -f "$(command -v java)")" "$T/path/java"
check "no mvn or javac on the restricted PATH" \
    env -i PATH="$T/path" /bin/bash -c '! command -v mvn && ! command -v javac && command -v java > /dev/null'
HTTP=$(free_port 18080)
start_pebble "$T/pebble" "$HTTP"
cp "$T/pebble/ca.pem" "$T/config/ca.pem"
cat > "$T/config/homeserver.yaml" <<EOF
server_name: localhost
tls_certificate_path: tls/localhost.crt
tls_private_key_path: tls/localhost.key
acme:
  enabled: true
  url: $PEBBLE_DIR
  port: $HTTP
  bind_addresses: ['127.0.0.1']
  ca_certificates: ca.pem
  account_key_file: acme/account.key
EOF
restricted=(env -i HOME="$T/home" PATH="$T/path" LANG=C.UTF-8)
t0=$EPOCHREALTIME
spawn "$T/service.log" "${restricted[@]}" ACME_CONFIG="$T/config/homeserver.yaml" "$INSTALL/bin/matrix-acme"
pid=$SPAWNED
listening() { ! port_free "$HTTP"; }
if wait_for 60 "$pid" "tarball: Jetty listens on $HTTP" listening; then
    ok "tarball: Jetty listens on $HTTP $(awk -v a="${t0/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2f", b - a }') s after the launch"
fi
have_cert() { [[ -s $T/config/tls/localhost.crt && -s $T/config/tls/localhost.key ]]; }
if wait_for 60 "$pid" "tarball: certificate written" have_cert; then
    check "tarball: the certificate verifies against Pebble's root and matches its key" \
        verifies "$T/config/tls/localhost.crt" "$T/config/tls/localhost.key" "$T/pebble"
fi
metrics=$(curl -sf --max-time 5 "http://127.0.0.1:$HTTP/acme/metrics" || true)
if [[ $metrics == *'acme_certificate_present{certificate="default"} 1'* ]] \
        && promtool check metrics <<<"$metrics" > "$T/promtool.out" 2>&1; then
    ok "tarball: /acme/metrics reports the certificate and passes promtool check metrics"
else
    fail "tarball: /acme/metrics: $(cat "$T/promtool.out" 2>/dev/null) $(head -c 300 <<<"$metrics")"
fi
if out=$("${restricted[@]}" "$INSTALL/bin/acme-admin" --config "$T/config/homeserver.yaml" status 2>&1) \
        && [[ $out == *localhost* ]]; then
    ok "tarball: acme-admin status with only java on the PATH"
else
    fail "tarball: acme-admin status: $out"
fi
status=0
stop_group "$pid" 30 || status=$?
check "tarball: the service stops on TERM with status 143 (the unit's SuccessExitStatus)" test "$status" = 143
stop_group "$PEBBLE_PID" 5 || true

# ---------------------------------------------------------------- 2. the alert rules

echo "== 2. the Prometheus rules shipped in the tarball"
check "promtool check rules prometheus/acme-alerts.yml" promtool check rules "$INSTALL/prometheus/acme-alerts.yml"
check "promtool test rules prometheus/acme-alerts.test.yml" \
    bash -c "cd '$INSTALL/prometheus' && promtool test rules acme-alerts.test.yml > /dev/null"

# ---------------------------------------------------------------- 3. the .deb

echo "== 3. dpkg -i $(basename "$DEB") on a host with a Debian-style $ETC"
P=$STATE/pebble80
: > "$STATE/fixture"
mkdir "$ETC" && : > "$FIXTURE_MARK"
mkdir -p "$ETC/conf.d/ignored-folder"
start_pebble "$P" 80
cp "$P/ca.pem" "$ETC/pebble-ca.pem"
mkdir -p "$STATE/synapse"
# as Debian's matrix-synapse-py3 leaves it: server_name only in conf.d/server_name.yaml; pid_file alone
# makes the service HUP Synapse after a new certificate
cat > "$ETC/homeserver.yaml" <<EOF
pid_file: $STATE/synapse/synapse.pid
tls_certificate_path: $ETC/tls/localhost.crt
tls_private_key_path: $ETC/tls/localhost.key
acme:
  enabled: true
  url: $PEBBLE_DIR
  port: 80
  bind_addresses: ['127.0.0.1']
  ca_certificates: $ETC/pebble-ca.pem
  account_key_file: /var/lib/matrix-acme/account.key
EOF
printf 'server_name: localhost\n' > "$ETC/conf.d/server_name.yaml"
printf 'report_stats: false\n' > "$ETC/conf.d/report_stats.yaml"
printf 'Files in this folder are read by Synapse in sorted order.\n' > "$ETC/conf.d/README"
hs_sum=$(sha256sum "$ETC/homeserver.yaml")

: > "$STATE/package"
if dpkg -i "$DEB" > "$STATE/dpkg-i.log" 2>&1; then ok "dpkg -i"; else fail "dpkg -i: $(cat "$STATE/dpkg-i.log")"; fi
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd "$SERVICE_USER" || echo ':::::')
check "postinst: the system user $SERVICE_USER (uid $uid, no login shell, home $home not created)" \
    test -n "$uid" -a "${uid:-1000}" -lt 1000 -a "$shell" = /usr/sbin/nologin -a ! -e "$home"
mode() { stat -c '%a %U:%G' "$1" 2>/dev/null; }
check "files: the launcher 755 root" test "$(mode /usr/share/matrix-acme/bin/matrix-acme)" = "755 root:root"
check "files: acme-admin on the PATH, 755 root" test "$(mode /usr/bin/acme-admin)" = "755 root:root"
check "files: the unit 644 root" test "$(mode /lib/systemd/system/matrix-acme.service)" = "644 root:root"
check "files: /etc/default/matrix-acme 644 root, a conffile" test "$(mode /etc/default/matrix-acme)" = "644 root:root"
check "files: /etc/default/matrix-acme is listed as a conffile" \
    bash -c "dpkg-query -W -f '\${Conffiles}' $PKG | grep -q '^ /etc/default/matrix-acme '"
check "files: the alert rules in /usr/share/matrix-acme/prometheus" test -f /usr/share/matrix-acme/prometheus/acme-alerts.yml
check "files: nothing under /usr/share/matrix-acme is writable by group or others, or not root's" \
    test -z "$(find /usr/share/matrix-acme \( -perm /022 -o ! -user root \) -print -quit)"
check "postinst: /var/lib/matrix-acme belongs to $SERVICE_USER, 750" test "$(mode /var/lib/matrix-acme)" = "750 $SERVICE_USER:$(id -gn "$SERVICE_USER")"
check "postinst: $ETC/tls belongs to $SERVICE_USER, 750" test "$(mode "$ETC/tls")" = "750 $SERVICE_USER:$(id -gn "$SERVICE_USER")"
check "postinst started nothing" test -z "$(pgrep -u "$SERVICE_USER" || true)"
check "Depends: a Java 17+ runtime" \
    bash -c "dpkg-query -W -f '\${Depends}' $PKG | grep -q 'default-jre-headless | java17-runtime-headless'"
UNIT=/lib/systemd/system/matrix-acme.service
if out=$(systemd-analyze verify "$UNIT" 2>&1) && ! grep -q 'matrix-acme' <<<"$out"; then
    ok "systemd-analyze verify matrix-acme.service"
else
    fail "systemd-analyze verify: $out"
fi
score=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null | sed -n 's/.*Overall exposure level for matrix-acme.service: \([0-9.]*\).*/\1/p')
if [[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    ok "systemd-analyze security: exposure $score (at most 2)"
else
    fail "systemd-analyze security: exposure '${score:-?}', expected at most 2"
fi
systemctl enable matrix-acme.service > /dev/null 2>&1 || true   # offline: only makes the link
WANTS=/etc/systemd/system/multi-user.target.wants/matrix-acme.service
check "systemctl enable (offline) links the unit" test -L "$WANTS"

# ---------------------------------------------------------------- 4. the unit's ExecStart

echo "== 4. the unit's ExecStart as systemd runs it: user, capabilities, environment"
unit() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
exec_start=$(unit ExecStart) user=$(unit User) umask=$(unit UMask) caps=$(unit AmbientCapabilities)
env_file=$(unit EnvironmentFile) env_file=${env_file#-}
check "the unit: User=$SERVICE_USER, only CAP_NET_BIND_SERVICE, no new privileges" \
    test "$user" = "$SERVICE_USER" -a "$caps" = CAP_NET_BIND_SERVICE -a "$(unit CapabilityBoundingSet)" = CAP_NET_BIND_SERVICE \
    -a "$(unit NoNewPrivileges)" = yes
group=$(id -gn "$user")
# what systemd makes: StateDirectory (exists), CacheDirectory, the environment
install -d -o "$user" -g "$group" -m 0700 /var/cache/matrix-acme
environment=(HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user" SHELL=/usr/sbin/nologin
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
    STATE_DIRECTORY=/var/lib/matrix-acme CACHE_DIRECTORY=/var/cache/matrix-acme)
while IFS= read -r line; do
    [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    value=${BASH_REMATCH[2]}; value=${value#\"}; value=${value%\"}
    environment+=("${BASH_REMATCH[1]}=$value")
done < "$env_file"
as_service=(setpriv --reuid="$user" --regid="$group" --init-groups --inh-caps=-all,+net_bind_service
    --ambient-caps=-all,+net_bind_service --bounding-set=-all,+net_bind_service --no-new-privs)
# a stand-in Synapse: writes its pid file, counts the HUPs it gets (perl: a handler also when HUP came in ignored)
chown "$user:$group" "$STATE/synapse"
spawn "$STATE/synapse.log" "${as_service[@]}" perl -e '
    $SIG{HUP} = sub { open my $f, ">>", "'"$STATE"'/synapse/reloads" or die; print $f "HUP\n"; close $f; };
    open my $p, ">", "'"$STATE"'/synapse/synapse.pid" or die "pid file: $!"; print $p "$$\n"; close $p;
    sleep 1 while 1;'
synapse=$SPAWNED
t0=$EPOCHREALTIME
spawn "$STATE/service.log" bash -c "umask $umask && exec \"\$@\"" umask "${as_service[@]}" env -i "${environment[@]}" $exec_start
service=$SPAWNED
listening80() { ! port_free 80; }
if wait_for 60 "$service" "ExecStart: Jetty listens on port 80" listening80; then
    ok "ExecStart: Jetty listens on port 80 as $user, $(awk -v a="${t0/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2f", b - a }') s after the launch"
fi
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }
check "ExecStart: the JVM runs as $user with CAP_NET_BIND_SERVICE only and no new privileges" \
    test "$(status_of "$service" Uid | cut -f1)" = "$(id -u "$user")" -a "$(status_of "$service" CapEff)" = 0000000000000400 \
    -a "$(status_of "$service" CapAmb)" = 0000000000000400 -a "$(status_of "$service" NoNewPrivs)" = 1
have_cert80() { [[ -s $ETC/tls/localhost.crt && -s $ETC/tls/localhost.key ]]; }
if wait_for 60 "$service" "ExecStart: certificate written to $ETC/tls" have_cert80; then
    check "ExecStart: the certificate verifies against Pebble's root and matches its key" \
        verifies "$ETC/tls/localhost.crt" "$ETC/tls/localhost.key" "$P"
    check "ExecStart: the key belongs to $user, mode 600" test "$(mode "$ETC/tls/localhost.key")" = "600 $user:$group"
fi
reloaded() { grep -q HUP "$STATE/synapse/reloads" 2>/dev/null; }
wait_for 20 "$synapse" "the stand-in Synapse got a HUP" reloaded && ok "the stand-in Synapse got its HUP (pid_file alone)"
check "ExecStart: /acme/health answers healthy" bash -c "curl -sf --max-time 5 http://127.0.0.1/acme/health | grep -q '^healthy'"
if out=$("${as_service[@]}" env -i PATH=/usr/bin:/bin HOME=/ acme-admin status 2>&1) && [[ $out == *localhost* ]]; then
    ok "acme-admin on the PATH, as $user, finds the service's config (/etc/default/matrix-acme)"
else
    fail "acme-admin status as $user: $out"
fi
status=0
stop_group "$service" 60 || status=$?
check "ExecStart: stops on TERM with status 143" test "$status" = 143
check "ExecStart: the class-data archive was written to the cache folder" \
    bash -c "ls /var/cache/matrix-acme/classes.jsa.new-*.served > /dev/null 2>&1"
stop_group "$synapse" 5 || true
stop_group "$PEBBLE_PID" 5 || true
ls -A /var/lib/matrix-acme > "$STATE/state-files"

# ---------------------------------------------------------------- 5. dpkg -r, dpkg --purge

echo "== 5. dpkg -r, then dpkg --purge"
dpkg-query -L "$PKG" > "$STATE/package-files"
crt_sum=$(sha256sum "$ETC/tls/localhost.crt" "$ETC/tls/localhost.key" /var/lib/matrix-acme/account.key)
if dpkg -r "$PKG" > "$STATE/dpkg-r.log" 2>&1; then ok "dpkg -r"; else fail "dpkg -r: $(cat "$STATE/dpkg-r.log")"; fi
check "dpkg -r: the enablement link is gone (prerm disables)" test ! -e "$WANTS" -a ! -L "$WANTS"
check "dpkg -r: the program files are gone" test ! -e /usr/share/matrix-acme -a ! -e /usr/bin/acme-admin -a ! -e "$UNIT"
check "dpkg -r: /etc/default/matrix-acme stays until purge" test -f /etc/default/matrix-acme
if dpkg --purge "$PKG" > "$STATE/dpkg-purge.log" 2>&1; then ok "dpkg --purge"; else fail "dpkg --purge: $(cat "$STATE/dpkg-purge.log")"; fi
check "purge: the package is not installed" bash -c "! dpkg-query -W -f '\${Status}' $PKG 2>/dev/null | grep -q installed"
check "purge: certificate, key and account key are still there, unchanged" \
    bash -c "sha256sum -c --quiet <<<'$crt_sum'"
check "purge: homeserver.yaml is unchanged" bash -c "sha256sum -c --quiet <<<'$hs_sum'"
check "purge: /etc/default/matrix-acme and the cache are gone" test ! -e /etc/default/matrix-acme -a ! -e /var/cache/matrix-acme
left=$(ls -A /var/lib/matrix-acme | tr '\n' ' ')
check "purge: of the state folder ($(tr '\n' ' ' < "$STATE/state-files")) only the account key is left: $left" \
    test "$left" = "account.key "
leftover=
while IFS= read -r path; do
    [[ -e $path || -L $path ]] || continue
    case $path in
        /etc | /etc/default | /usr | /usr/bin | /usr/share | /lib | /lib/systemd | /lib/systemd/system | /var | /var/lib) ;;
        "$ETC" | "$ETC/tls" | /var/lib/matrix-acme) ;;    # hold the admin's config, certificates and keys
        *) leftover+=" $path" ;;
    esac
done < "$STATE/package-files"
check "purge: nothing of the package's files is left${leftover:+:$leftover}" test -z "$leftover"
rm -f "$STATE/package"
rm -rf /var/lib/matrix-acme

if ((failures > 0)); then
    printf '%d check(s) failed\n' "$failures" >&2
    for log in "$T/service.log" "$STATE/service.log"; do
        [[ -f $log ]] && { echo "--- last lines of $log" >&2; tail -n 20 "$log" >&2; }
    done
    exit 1
fi
echo "All package checks passed."
