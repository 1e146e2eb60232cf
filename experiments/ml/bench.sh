#!/bin/sh
# ML training benchmark (experiments/BENCHMARKS.md, "ML training"): the grid of issue #5 on
# stereomatch_itr_100.csv, timed with /usr/bin/time -v at -j 1 and -j 2.
#
#   experiments/ml/bench.sh [BUILD_DIR]     (default: build)
#
# Prints wall time, CPU time, peak memory (maximum resident set size), the load average (the
# machine is shared: wall time means little when it is loaded) and each technique's validation
# MAPE for each thread count.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
twinprof=$build/src/cli/twinprof
[ -x "$twinprof" ] || { echo "bench.sh: build twinprof first ($twinprof)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d)"
for jobs in 1 2; do
  /usr/bin/time -v "$twinprof" train -c "$here/stereomatch_benchmark.ini" -o "$out/j$jobs" \
    -j "$jobs" --force > "$out/j$jobs.log" 2> "$out/j$jobs.time"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/j$jobs.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$out/j$jobs.time")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f s", s}' "$out/j$jobs.time")
  echo "-j $jobs: wall $wall, CPU (user+sys) $cpu, peak memory $rss, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # The technique table of results.txt: name, then MAPE% train, selection, validation.
  awk '/^technique/ {on=1; next} on && NF == 0 {exit} on {printf "  %-14s validation MAPE %s%%\n", $1, $4}' \
    "$out/j$jobs/results.txt"
  grep '^Best technique' "$out/j$jobs/results.txt" | sed 's/^/  /'
done
