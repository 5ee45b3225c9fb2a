#!/usr/bin/env bash
# Time from order start to certificate files on disk, against a local Pebble, with the
# challenge answered by the filter in a running Jetty. Not part of the test suite.
# Usage: bench/time-to-files.sh [runs=5] [nonce-reject-percent=5]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pebble >/dev/null || { echo "pebble is not installed: run 'apt-get install -y pebble'" >&2; exit 2; }
mvn -q -B -DskipTests -pl acme-filter install
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B -pl acme-filter dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >/dev/null
cp=$(cat "$cpfile")
java -cp "acme-filter/target/test-classes:acme-filter/target/classes:$cp" dev.acmefilter.bench.TimeToFiles "$@"
