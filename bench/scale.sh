#!/usr/bin/env bash
# Scale: one certificate with 100 names, and 50 single-name certificates in one pass at
# several max_concurrent_orders, against a local Pebble (dev.acmefilter.bench.Scale: the
# provisioner in-process, the challenges answered by the filter in a running Jetty).
# Not part of the test suite.
#
#   bench/scale.sh [runs=3] [concurrency levels=1,4,8]
#
# Result lines (bench/lib.sh), one time per run: SCALE_100_NAMES_MS (order start to files) and
# SCALE_50_CERTS_C<level>_MS (the 50 certificates issued at that max_concurrent_orders).
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble pebble-challtestsrv:pebble)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init scale "$@"
bench_classpath
relay_results java -cp "$CP" dev.acmefilter.bench.Scale "$@"
