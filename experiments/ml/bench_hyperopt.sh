#!/bin/sh
# Bayesian search against the grid (experiments/BENCHMARKS.md, "ML training: Bayesian search"):
# experiments/ml/stereomatch_hyperopt.ini with hyperopt_max_evals = BUDGET (default 12), timed
# with /usr/bin/time -v at -j 2, beside the same techniques' grid figures from
# stereomatch_benchmark.ini when GRID=1.
#
#   experiments/ml/bench_hyperopt.sh [BUDGET] [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
budget=${1:-12}
build=${2:-$root/build}
twinprof=$build/src/cli/twinprof
[ -x "$twinprof" ] || { echo "bench_hyperopt.sh: build twinprof first ($twinprof)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sed "s/^hyperopt_max_evals = .*/hyperopt_max_evals = $budget/" "$here/stereomatch_hyperopt.ini" \
  > "$here/.bench_hyperopt_$$.ini"
trap 'rm -rf "$out" "$here/.bench_hyperopt_$$.ini"' EXIT
run() {  # NAME CONFIG
  /usr/bin/time -v "$twinprof" train -c "$2" -o "$out/$1" -j 2 --force > "$out/$1.log" 2> "$out/$1.time"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/$1.time")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f s", s}' "$out/$1.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$out/$1.time")
  echo "$1: wall $wall, CPU $cpu, peak memory $rss, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  grep '^search:' "$out/$1/results.txt" | sed 's/^/  /'
  awk '/^technique/ {on=1; next} on && NF == 0 {exit} on {printf "  %-14s selection MAPE %s%%, validation MAPE %s%%\n", $1, $3, $4}' \
    "$out/$1/results.txt"
  grep -E '^[A-Za-z]+:$|best hyperparameters|points tried' "$out/$1/results.txt" | sed 's/^/  /'
}
run "hyperopt-$budget" "$here/.bench_hyperopt_$$.ini"
if [ "${GRID:-0}" = 1 ]; then run grid "$here/stereomatch_benchmark.ini"; fi
