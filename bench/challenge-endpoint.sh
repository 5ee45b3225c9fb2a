#!/usr/bin/env bash
# Challenge endpoint: wrk on a pending token (200) and an unknown token (404), the filter with an
# in-memory store in an embedded Jetty (ChallengeServer, stock settings, java.util.logging at its
# default INFO) against nginx serving the same key authorization from a webroot (stock settings:
# access log on, one worker per core). After a warm-up, WRK_ROUNDS rounds, each measuring the
# filter and nginx back to back and starting on a quiet machine (settle).
#
#   bench/challenge-endpoint.sh                       7 rounds of 5 s per URL after a 15 s warm-up
#   WRK_ROUNDS=3 WRK_SECONDS=2 WARMUP_SECONDS=5 bench/challenge-endpoint.sh
#
# Result lines (bench/lib.sh), one value per round: CHALLENGE_FILTER_200_RPS,
# CHALLENGE_NGINX_200_RPS, CHALLENGE_FILTER_404_RPS, CHALLENGE_NGINX_404_RPS.
# Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven wrk:wrk nginx:nginx curl:curl python3:python3)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init challenge-endpoint "$@"
bench_classpath
note "challenge endpoint: wrk ${WRK_ARGS[*]}, $WRK_ROUNDS rounds of ${WRK_SECONDS} s per URL after a ${WARMUP_SECONDS} s warm-up"

token=$(random_token)
keyauth="$token.$(random_token)"
port_ch=$(free_port)
start_challenge_server "$port_ch" "$token" "$keyauth"

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
wait_http "$u_ch/" 60 || die "ChallengeServer does not answer: $(tail -5 "$WORK/challenge-$port_ch.log")"
wait_http "$u_ng/" 10 || die "nginx did not start: $(cat "$WORK/nginx/logs/"*)"
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
    result CHALLENGE_FILTER_200_RPS "${CH_200[@]}"
    result CHALLENGE_NGINX_200_RPS "${NG_200[@]}"
    result CHALLENGE_FILTER_404_RPS "${CH_404[@]}"
    result CHALLENGE_NGINX_404_RPS "${NG_404[@]}"
done
[[ $(curl -s "$u_ch/$token") == "$keyauth" ]] || die "the filter stopped serving the token"
summarize CHALLENGE_FILTER_200_RPS CHALLENGE_NGINX_200_RPS CHALLENGE_FILTER_404_RPS CHALLENGE_NGINX_404_RPS
log "filter / nginx (median of the per-round ratios): pending token $(paired CH_200 NG_200), unknown token $(paired CH_404 NG_404)"
