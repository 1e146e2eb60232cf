#!/bin/sh
# Simulator throughput: simulated jobs per wall-second and peak memory at 1e4, 1e5, 1e6 jobs.
#   experiments/sim/benchmark/run.sh [TWINPROF_BINARY]     (from the repository root)
# Prints one line per size: jobs, wall and CPU (user + system) seconds, jobs per wall-second,
# CPU microseconds per job, and the peak resident memory of the simulating process.
# On a shared machine, CPU time is the steadier figure; wall time is what a user waits.
set -eu
twinprof=${1:-build/src/cli/twinprof}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%10s %9s %9s %12s %14s %10s\n' jobs wall_s cpu_s jobs_per_s cpu_us_per_job peak_MiB
for files in 5000 50000 500000; do
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" \
    "$twinprof" simulate "$here/scenario.yaml" -o "$out/run" --set "workload.files=$files" \
    > /dev/null
  jobs=$(($(wc -l < "$out/run/jobs.csv") - 1))
  read -r wall user sys kib < "$out/time"
  awk -v j="$jobs" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kib" 'BEGIN {
    printf "%10d %9.2f %9.2f %12.0f %14.2f %10.1f\n", j, w, u + s, j / w, 1e6 * (u + s) / j,
      k / 1024 }'
done
