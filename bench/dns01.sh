#!/usr/bin/env bash
# dns-01 time to certificate, example.test + *.example.test, a fresh account each run, against one
# real BIND on 127.0.0.1:53 (as ns1.example.test the zone's only name server: every client's
# propagation check asks it on port 53, as in production; hence root) and a local Pebble whose VA
# asks that BIND (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0). Runs interleaved, each on a
# quiet machine:
#   a) ours in a running JVM (the webapp's case): config loaded, the provisioner's check (pre-flight
#      advisory, as by default), files verified; one untimed warm-up order first
#   b) ours cold: a JVM launched for one check (ProvisionOnce), launch -> exit -> files verified
#   c) lego 4.9 --dns rfc2136 at its quickest: RFC2136_POLLING_INTERVAL=1, RFC2136_SEQUENCE_INTERVAL=1
#      (lego replaces the TXT RRset when it adds, so it solves a name and its wildcard one after the
#      other); it resolves name servers through the system only, so it runs under `unshare -m` with
#      an /etc/hosts of its own naming ns1.example.test (the host's file is not touched)
#   d) certbot --authenticator dns-rfc2136 --dns-rfc2136-propagation-seconds 0 (the smallest it takes)
#   e) in the first DNS01_DEFAULT_RUNS rounds: lego with its defaults (polling 2 s, sequence
#      interval 60 s) and certbot with its default propagation wait (60 s)
# Every time ends when the chain verifies against Pebble's root, the key matches and both names are in.
#
#   bench/dns01.sh                          5 runs, the peers' defaults in 2 of them
#   RUNS=7 DNS01_DEFAULT_RUNS=3 bench/dns01.sh
#
# Result lines (bench/lib.sh): DNS01_OURS_MS (a), DNS01_OURS_COLD_MS (b), DNS01_LEGO_MS (c),
# DNS01_CERTBOT_MIN_MS (d), DNS01_LEGO_DEFAULT_MS and DNS01_CERTBOT_MS (e), one value per run ("?":
# that run failed); DNS01_WARMUP_MS; DNS01_RECORDS_LEFT (TXT values left in the zone by all runs);
# and the ratios of the medians, ours / theirs as in the time to certificate (below 1: we are quicker):
# DNS01_{OURS,COLD}_VS_{LEGO,LEGO_DEFAULT,CERTBOT_MIN,CERTBOT}_RATIO. Not part of the test suite.
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble named:bind9 tsig-keygen:bind9 certbot:certbot
       lego:lego python3:python3 unshare:util-linux mount:mount)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init dns01 "$@"
DNS01_DEFAULT_RUNS=${DNS01_DEFAULT_RUNS:-2}
((RUNS >= 5)) || die "RUNS must be at least 5"
[[ $(id -u) == 0 ]] || die "needs root: BIND listens on 127.0.0.1:53, where lego's propagation check asks"
# certbot's plugin has no command of its own to look for
/usr/bin/python3 -c 'import certbot_dns_rfc2136' 2>/dev/null \
    || require_tools certbot-dns-rfc2136:python3-certbot-dns-rfc2136
python3 -c 'import socket
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 53)); s.close()' 2>/dev/null \
    || die "127.0.0.1:53 is taken: $(ss -lntup 'sport = :53' 2>/dev/null | tail -n +2)"
bench_classpath
note "dns-01 time to certificate for example.test and *.example.test; $RUNS runs of ours (running JVM and"
note "cold JVM), lego (1 s intervals) and certbot (0 s wait); $DNS01_DEFAULT_RUNS of lego's and certbot's defaults"

relay_results java -cp "$CP" dev.acmefilter.bench.Dns01TimeToCertificate "$RUNS" "$DNS01_DEFAULT_RUNS" \
    "$WORK"
# as in the time to certificate: ours / theirs, below 1 where we are quicker
ratios=()
for ours in OURS COLD; do
    [[ $ours == OURS ]] && mine=$(median "${DNS01_OURS_MS[@]}") || mine=$(median "${DNS01_OURS_COLD_MS[@]}")
    for peer in LEGO LEGO_DEFAULT CERTBOT_MIN CERTBOT; do
        ref="DNS01_${peer}_MS[@]"
        result "DNS01_${ours}_VS_${peer}_RATIO" "$(ratio "$mine" "$(median "${!ref}")")"
        ratios+=("DNS01_${ours}_VS_${peer}_RATIO")
    done
done
summarize "${ratios[@]}"
