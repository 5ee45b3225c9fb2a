#!/usr/bin/env bash
# Acceptance check: the same acme.war, copied unchanged as ROOT.war into a stock Tomcat 10.1
# whose only change is ACME_CONFIG (in bin/setenv.sh), provisions a certificate from Pebble,
# with Pebble's http-01 requests going through nginx
#     location /.well-known/acme-challenge { proxy_pass http://localhost:<tomcat port>;
#         proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }
# to that Tomcat. Verifies the chain against Pebble's root and that the key matches, prints
# timings, stops everything it started, exits 0 on success. Non-interactive (CI).
#
# Tomcat is the pristine distribution org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz from Maven
# Central, unpacked into a temporary folder. Its HTTP connector stays on the stock port 8080
# (moving it to 8009 would mean editing conf/server.xml, a change beyond ACME_CONFIG), so nginx
# proxies to 8080; the Jetty base of this repository listens on 8009 instead.
#
# Environment: TOMCAT_VERSION (default 10.1.34), NGINX_PORT (Pebble's httpPort, default 5002),
# KEEP=1 keeps the temporary folder (logs, config, certificate) for inspection.
# Needs: java, mvn, pebble, nginx, openssl, curl. As root, missing pebble/nginx are apt-get installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
TOMCAT_VERSION=${TOMCAT_VERSION:-10.1.34}
TOMCAT_HTTP_PORT=8080     # stock server.xml
TOMCAT_SHUTDOWN_PORT=8005 # stock server.xml
NGINX_PORT=${NGINX_PORT:-5002}
WAR=$ROOT/acme-war/target/acme.war

say() { printf '%s\n' "$*"; }
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T_START=$(now)

WORK=
PEBBLE_PID=
NGINX_PID=
TOMCAT_PID=

stop_pid() { # pid name: each was started with setsid, so its process group is exactly what we started
    local pid=$1 name=$2 i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) did not stop within 10 s: killing it" >&2
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    say "Stopped $name (pid $pid)."
}

cleanup() {
    local rc=$?
    trap - INT TERM EXIT
    stop_pid "$TOMCAT_PID" Tomcat
    stop_pid "$NGINX_PID" nginx
    stop_pid "$PEBBLE_PID" Pebble
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ ${KEEP:-0} == 1 || $rc != 0 ]]; then
            say "Kept $WORK (logs, config, certificate)."
        else
            rm -rf "$WORK"
        fi
    fi
    say "tomcat-nginx-check: ${RESULT:-FAILED} (exit $rc), $(elapsed "$T_START" "$(now)") s in all, stopping included"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    say "tomcat-nginx-check: FAILED: $*" >&2
    local f
    for f in "$WORK/pebble/pebble.log" "$WORK/nginx/error.log" "$WORK/nginx/access.log" "$WORK/tomcat.log"; do
        [[ -f $f ]] || continue
        say "--- last lines of $f ---" >&2
        tail -n 25 "$f" >&2
    done
    exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
    local p=$1
    shift
    while port_in_use "$p" || [[ " $* " == *" $p "* ]]; do p=$((p + 1)); done
    printf '%s' "$p"
}

need() { # command debian-package
    command -v "$1" >/dev/null && return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "Installing $2 (apt-get install -y $2) ..."
        apt-get install -y -q "$2" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >/dev/null; } \
            || fail "cannot install $2"
        command -v "$1" >/dev/null && return 0
    fi
    fail "$1 is not installed: run 'sudo apt-get install -y $2' (Debian package $2)"
}

# ---------------------------------------------------------------- prerequisites
PATH=$PATH:/usr/sbin:/sbin # nginx lives in /usr/sbin
need java openjdk-17-jre-headless
need mvn maven
need openssl openssl
need curl curl
need pebble pebble
need nginx nginx
for p in $TOMCAT_HTTP_PORT $TOMCAT_SHUTDOWN_PORT $NGINX_PORT; do
    port_in_use "$p" && fail "port $p is in use: stock Tomcat needs $TOMCAT_HTTP_PORT and $TOMCAT_SHUTDOWN_PORT, nginx $NGINX_PORT"
done

if [[ ! -f $WAR ]]; then
    say "Building acme.war (mvn -q -B -DskipTests install) ..."
    (cd "$ROOT" && mvn -q -B -DskipTests install) || fail "the build failed"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/acme-tomcat-check.XXXXXX")
mkdir -p "$WORK/pebble" "$WORK/nginx/tmp" "$WORK/tls" "$WORK/acme"

# ---------------------------------------------------------------- stock Tomcat from Maven Central
T_TOMCAT=$(now)
mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz" -DoutputDirectory="$WORK" > "$WORK/mvn.log" 2>&1 \
    || fail "cannot fetch org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz from Maven"
tar -xzf "$WORK/tomcat-$TOMCAT_VERSION.tar.gz" -C "$WORK"
CATALINA_HOME=$WORK/apache-tomcat-$TOMCAT_VERSION
[[ -x $CATALINA_HOME/bin/catalina.sh ]] || fail "unexpected layout of the Tomcat archive"
rm -rf "$CATALINA_HOME/webapps/ROOT"
cp "$WAR" "$CATALINA_HOME/webapps/ROOT.war"
cmp -s "$WAR" "$CATALINA_HOME/webapps/ROOT.war" || fail "ROOT.war differs from acme.war"
say "Tomcat $TOMCAT_VERSION unpacked in $CATALINA_HOME ($(elapsed "$T_TOMCAT" "$(now)") s); ROOT.war = $WAR (unchanged)"

# ---------------------------------------------------------------- Pebble
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
    -subj "/CN=acme check CA for Pebble $(date +%s)" -keyout "$WORK/pebble/ca.key" -out "$WORK/pebble/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$WORK/pebble/localhost.key" -out "$WORK/pebble/localhost.csr" 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$WORK/pebble/localhost.ext"
openssl x509 -req -in "$WORK/pebble/localhost.csr" -CA "$WORK/pebble/ca.pem" -CAkey "$WORK/pebble/ca.key" \
    -CAcreateserial -days 7 -sha256 -extfile "$WORK/pebble/localhost.ext" -out "$WORK/pebble/localhost.crt" 2>/dev/null \
    || fail "openssl could not create the certificate for Pebble's listener"

ACME_PORT=$(pick_port 14000 "$NGINX_PORT" $TOMCAT_HTTP_PORT $TOMCAT_SHUTDOWN_PORT)
MGMT_PORT=$(pick_port 15000 "$NGINX_PORT" $TOMCAT_HTTP_PORT $TOMCAT_SHUTDOWN_PORT "$ACME_PORT")
cat > "$WORK/pebble/pebble-config.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$ACME_PORT",
    "managementListenAddress": "127.0.0.1:$MGMT_PORT",
    "certificate": "$WORK/pebble/localhost.crt",
    "privateKey": "$WORK/pebble/localhost.key",
    "httpPort": $NGINX_PORT,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
PEBBLE_VA_NOSLEEP=1 setsid pebble -config "$WORK/pebble/pebble-config.json" > "$WORK/pebble/pebble.log" 2>&1 < /dev/null &
PEBBLE_PID=$!

# ---------------------------------------------------------------- nginx (own config and prefix)
cat > "$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log info;
events { worker_connections 64; }
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name localhost;
        # the location block of the issue; Tomcat's stock HTTP port instead of 8009 (see the header)
        location /.well-known/acme-challenge {
            proxy_pass http://localhost:$TOMCAT_HTTP_PORT;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
        location / { return 404; }
    }
}
EOF
chmod 755 "$WORK" # nginx workers may run as nobody
nginx -t -q -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" 2>> "$WORK/nginx/error.log" \
    || fail "nginx rejects $WORK/nginx/nginx.conf"
setsid nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" \
    > "$WORK/nginx/stdout.log" 2>&1 < /dev/null &
NGINX_PID=$!

# ---------------------------------------------------------------- readiness of Pebble and nginx
for ((i = 0; ; i++)); do
    kill -0 "$PEBBLE_PID" 2>/dev/null || fail "Pebble exited"
    kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited"
    if curl -sf --max-time 2 --cacert "$WORK/pebble/ca.pem" "https://localhost:$ACME_PORT/dir" 2>/dev/null | grep -q newOrder \
            && port_in_use "$NGINX_PORT"; then
        break
    fi
    ((i < 150)) || fail "Pebble or nginx not ready within 15 s"
    sleep 0.1
done
say "Pebble (pid $PEBBLE_PID): https://localhost:$ACME_PORT/dir, http-01 to port $NGINX_PORT"
say "nginx (pid $NGINX_PID): 127.0.0.1:$NGINX_PORT, /.well-known/acme-challenge -> http://localhost:$TOMCAT_HTTP_PORT"

# ---------------------------------------------------------------- the config, and Tomcat's only change
cat > "$WORK/homeserver.yaml" <<EOF
server_name: localhost
tls_certificate_path: $WORK/tls/localhost.crt
tls_private_key_path: $WORK/tls/localhost.key
acme:
  enabled: true
  url: https://localhost:$ACME_PORT/dir
  ca_certificates: $WORK/pebble/ca.pem
  account_key_file: $WORK/acme/account.key
EOF
printf '%s\n' "# the only change to the stock Tomcat: where acme.war finds its configuration" \
    "export ACME_CONFIG=$WORK/homeserver.yaml" > "$CATALINA_HOME/bin/setenv.sh"

T_TOMCAT_START=$(now)
# catalina.sh run: Tomcat in the foreground of its own session (catalina.sh execs java: the pid is Tomcat's)
env -u CATALINA_BASE -u CATALINA_OPTS -u JAVA_OPTS -u ACME_CONFIG CATALINA_HOME="$CATALINA_HOME" \
    setsid "$CATALINA_HOME/bin/catalina.sh" run > "$WORK/tomcat.log" 2>&1 < /dev/null &
TOMCAT_PID=$!
say "Tomcat (pid $TOMCAT_PID) starting with ACME_CONFIG=$WORK/homeserver.yaml (bin/setenv.sh); log: $WORK/tomcat.log"

CRT=$WORK/tls/localhost.crt
KEY=$WORK/tls/localhost.key
for ((i = 0; ; i++)); do
    kill -0 "$TOMCAT_PID" 2>/dev/null || fail "Tomcat exited"
    kill -0 "$PEBBLE_PID" 2>/dev/null || fail "Pebble exited"
    kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited"
    [[ -s $CRT && -s $KEY ]] && break
    ((i < 900)) || fail "no certificate at $CRT within 90 s of starting Tomcat"
    sleep 0.1
done
T_CERT=$(now)

# ---------------------------------------------------------------- verify
say ""
say "Certificate issued by Pebble through nginx -> Tomcat:"
openssl x509 -in "$CRT" -noout -subject -issuer -enddate -ext subjectAltName | sed 's/^/  /'
curl -sf --max-time 5 --cacert "$WORK/pebble/ca.pem" "https://localhost:$MGMT_PORT/roots/0" > "$WORK/pebble/root.pem" \
    || fail "cannot fetch Pebble's root"
openssl x509 -in "$CRT" -out "$WORK/tls/leaf.pem"
verify=$(openssl verify -CAfile "$WORK/pebble/root.pem" -untrusted "$CRT" -purpose sslserver \
    -verify_hostname localhost "$WORK/tls/leaf.pem" 2>&1) || fail "the chain does not verify: $verify"
say "  openssl verify against Pebble's root: $verify"
cmp -s <(openssl pkey -in "$KEY" -pubout) <(openssl x509 -in "$CRT" -noout -pubkey) \
    || fail "the private key does not match the certificate"
say "  the private key matches the certificate"
challenges=$(grep -c 'GET /.well-known/acme-challenge/[A-Za-z0-9_-]* HTTP/1.1" 200' "$WORK/nginx/access.log" || true)
((challenges > 0)) || fail "nginx's access log shows no answered challenge"
say "  nginx forwarded $challenges answered http-01 request(s) to Tomcat (access.log)"
grep -q "Reading the ACME configuration from $WORK/homeserver.yaml (set by the environment variable ACME_CONFIG)" \
    "$WORK/tomcat.log" || fail "Tomcat's log does not show the config read from ACME_CONFIG"
say "  Tomcat read the configuration from ACME_CONFIG"
T_DONE=$(now)
say "Certificate verified."
# undeploy: Tomcat checks every webapp for threads and references it leaves behind
stop_pid "$TOMCAT_PID" Tomcat
TOMCAT_PID=
if grep -E "appears to have started a thread|memory leak|failed to stop" "$WORK/tomcat.log" >&2; then
    fail "Tomcat reports something leaked by the webapp on undeploy (see above)"
fi
say "  undeploy: Tomcat reports no leaked thread or reference"
say "Timing: Tomcat fetch+unpack $(elapsed "$T_TOMCAT" "$T_TOMCAT_START") s; Tomcat start -> certificate" \
    "$(elapsed "$T_TOMCAT_START" "$T_CERT") s; verified $(elapsed "$T_START" "$T_DONE") s after the script started"
RESULT=OK
exit 0
