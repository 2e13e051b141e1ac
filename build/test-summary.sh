#!/usr/bin/env bash
# Sums the TRX files of one test run into the plain line CI reads: "N passed, N failed, N skipped".
# Counts each test's own outcome (the TRX counters do not count xunit skips).
# Exits non-zero when a test failed, when a test host crashed, or when no result file was written.
set -euo pipefail
dir=${1:?usage: test-summary.sh RESULTS_DIR}
shopt -s nullglob
files=("$dir"/*.trx)
if [ ${#files[@]} -eq 0 ]; then
  echo "0 passed, 1 failed (no test results in $dir)"
  exit 1
fi
count() { { cat "${files[@]}" | grep -o "<UnitTestResult [^>]*outcome=\"$1\"" || true; } | wc -l; }
passed=$(count Passed)
failed=$(( $(count Failed) + $(count Error) + $(count Timeout) + $(count Aborted) ))
skipped=$(count NotExecuted)
# A run that aborted (a crashed test host) leaves tests without a result: count the run as failed.
aborted_runs=$(cat "${files[@]}" | grep -c '<ResultSummary outcome="\(Aborted\|Failed\|Error\)"' || true)
if [ "$aborted_runs" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$aborted_runs; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
