#!/bin/sh
# Simulator throughput: simulated jobs per wall-second and peak memory at 1e4, 1e5, 1e6 jobs.
#   experiments/sim/benchmark/run.sh [TWINPROF_BINARY]     (from the repository root)
# Prints one line per size: jobs, wall seconds, jobs per second, microseconds per job, peak RSS.
set -eu
twinprof=${1:-build/src/cli/twinprof}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%10s %10s %12s %10s %12s\n' jobs wall_s jobs_per_s us_per_job peak_MiB
for files in 5000 50000 500000; do
  /usr/bin/time -f '%e %M' -o "$out/time" \
    "$twinprof" simulate "$here/scenario.yaml" -o "$out/run" --set "workload.files=$files" \
    > /dev/null
  jobs=$(($(wc -l < "$out/run/jobs.csv") - 1))
  read -r wall kib < "$out/time"
  awk -v j="$jobs" -v w="$wall" -v k="$kib" \
    'BEGIN { printf "%10d %10.2f %12.0f %10.2f %12.1f\n", j, w, j / w, 1e6 * w / j, k / 1024 }'
done
