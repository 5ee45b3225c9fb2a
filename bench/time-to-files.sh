#!/usr/bin/env bash
# Time from order start to certificate files on disk, against a local Pebble, with the
# challenge answered by the filter in a running Jetty (dev.acmefilter.bench.TimeToFiles), with
# the account of a previous order and with a new account. Not part of the test suite.
#
#   bench/time-to-files.sh [runs=5] [nonce-reject-percent=5]
#
# Result lines (bench/lib.sh), one time per successful run: TTF_EXISTING_ACCOUNT_MS,
# TTF_NEW_ACCOUNT_MS; TTF_FAILED_ORDERS (a count).
set -euo pipefail
NEEDS=(java:openjdk-17-jdk-headless mvn:maven pebble:pebble pebble-challtestsrv:pebble)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init time-to-files "$@"
bench_classpath
relay_results java -cp "$CP" dev.acmefilter.bench.TimeToFiles "$@"
