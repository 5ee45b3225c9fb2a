#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of what reads outside input: the homeserver.yaml loader, the
# challenge filter's path and token handling, the PEM / existing-pair reader and the recovery
# journal reader. Each target fuzzes for FUZZ_SECONDS (default 30) in a JVM of its own (Jazzer
# fuzzes one test per run) and this prints the executions it ran. A finding fails the run:
# Jazzer saves the input under acme-filter/src/test/resources/<package>/<Class>Inputs/<method>/,
# where the normal test run replays it from then on (fix the code, keep the input).
#
#   scripts/fuzz.sh                                 # every target, 30 s each (./test runs this)
#   FUZZ_SECONDS=600 scripts/fuzz.sh                # a longer campaign
#   FUZZ_SECONDS=120 scripts/fuzz.sh PemFuzzTest    # one target (simple class name)
#
# Without JAZZER_FUZZ (a plain `mvn test`), the same tests only replay the committed inputs.
# A fuzzing JVM takes about 1.3 GiB and one core; the generated corpus is kept in
# acme-filter/.cifuzz-corpus/ (not committed) so that the next run starts from it. CI starts
# from an empty corpus every time, and finds what a settled local corpus no longer explores:
# before submitting, fuzz as CI does with FUZZ_FRESH=1 (removes that corpus first).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
case "$seconds" in ''|*[!0-9]*) echo "FUZZ_SECONDS must be a number of seconds, not '$seconds'" >&2; exit 2;; esac

# target class -> the classes whose coverage guides it (besides ours)
declare -A INCLUDES=(
  [dev.acmefilter.config.ConfigLoaderFuzzTest]='org.yaml.**'
  [dev.acmefilter.challenge.ChallengeFilterFuzzTest]='org.eclipse.jetty.http.**:org.eclipse.jetty.util.URIUtil*:org.eclipse.jetty.server.internal.**'
  [dev.acmefilter.output.PemFuzzTest]='org.bouncycastle.**'
  [dev.acmefilter.output.ExistingPairFuzzTest]='org.bouncycastle.**'
  [dev.acmefilter.output.CertificatePairWriterJournalFuzzTest]=''
)
ORDER=(dev.acmefilter.config.ConfigLoaderFuzzTest dev.acmefilter.challenge.ChallengeFilterFuzzTest
       dev.acmefilter.output.PemFuzzTest dev.acmefilter.output.ExistingPairFuzzTest
       dev.acmefilter.output.CertificatePairWriterJournalFuzzTest)

targets=()
if [ $# -eq 0 ]; then
  targets=("${ORDER[@]}")
else
  for name in "$@"; do
    match=""
    for t in "${ORDER[@]}"; do [ "${t##*.}" = "$name" ] || [ "$t" = "$name" ] && match=$t; done
    [ -n "$match" ] || { echo "unknown fuzz target '$name'; expected one of: ${ORDER[*]##*.}" >&2; exit 2; }
    targets+=("$match")
  done
fi

if [ "${FUZZ_FRESH:-0}" = 1 ]; then
  rm -rf acme-filter/.cifuzz-corpus
fi

log_dir=acme-filter/target/fuzz
mkdir -p "$log_dir"
mvn -B -ntp -Dstyle.color=never -pl acme-filter test-compile >"$log_dir/compile.log" 2>&1 \
  || { cat "$log_dir/compile.log" >&2; exit 1; }
failed=0
for target in "${targets[@]}"; do
  name=${target##*.}
  log="$log_dir/$name.log"
  includes='dev.acmefilter.**'
  [ -n "${INCLUDES[$target]}" ] && includes="$includes:${INCLUDES[$target]}"
  echo "== $name: fuzzing for $seconds s"
  start=$SECONDS
  status=0
  # -timeout: one input running longer than 30 s is a hang (a finding); the outer timeout only
  # guards the suite's time budget should the JVM itself get stuck
  JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES="$includes" \
    timeout --kill-after=30 $((seconds * 2 + 300)) \
    mvn -B -ntp -Dstyle.color=never -pl acme-filter surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dsurefire.redirectTestOutputToFile=false \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
      -Djazzer.internal.arg.2=-timeout=30 >"$log" 2>&1 || status=$?
  runs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+' | head -1 || true)
  cov=$(grep -aoE '#[0-9]+[[:space:]]+DONE[[:space:]]+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 | sed 's/.*DONE *//' || true)
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "   FAILED after $((SECONDS - start)) s (exit $status); ${runs:-?} executions; see $log"
    grep -aE 'FuzzTestFinding|== Java Exception|Caused by|crash-|timeout-|AssertionError' "$log" | head -10 | sed 's/^/   /'
    # where it happened: the first frames of ours after the cause
    grep -aA30 '^Caused by' "$log" | grep -aE '^[[:space:]]+at dev\.acmefilter\.' | head -3 | sed 's/^[[:space:]]*/   /'
  else
    echo "   ${runs:-?} executions in $((SECONDS - start)) s, no finding (${cov:-coverage not reported})"
  fi
done
exit $failed
