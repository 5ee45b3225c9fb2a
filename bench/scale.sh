#!/usr/bin/env bash
# Scale: one certificate with 100 names, and 50 single-name certificates in one pass at
# several max_concurrent_orders, against a local Pebble. Prints Markdown table rows.
# Not part of the test suite.
# Usage: bench/scale.sh [runs=3] [concurrency levels=1,4,8]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pebble >/dev/null || { echo "pebble is not installed: run 'apt-get install -y pebble'" >&2; exit 2; }
# mvn prints colour resets even with -q: keep its output off stdout, which carries the table rows
mvn -q -B -Dstyle.color=never -DskipTests -pl acme-filter install >&2
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B -Dstyle.color=never -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >/dev/null
cp=$(cat "$cpfile")
java -cp "acme-filter/target/test-classes:acme-filter/target/classes:$cp" dev.acmefilter.bench.Scale "$@"
