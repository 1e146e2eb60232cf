#!/usr/bin/env bash
# End to end: profile cpu-burn on this machine (campaign.yaml), calibrate the simulator on it,
# then simulate every measured configuration with the calibrated scenario and compare
# (compare.py: mean compute within 5%, makespan within 10%). Writes experiments/BENCHMARKS.md's
# figures. Usage: run.sh [OUT_DIR] (default /tmp/calibrate-local; an existing OUT_DIR/results is
# reused, so the comparison can be rerun without profiling again).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
twinprof=${TWINPROF:-$root/build/src/cli/twinprof}
out=${1:-/tmp/calibrate-local}
mkdir -p "$out"
if [ ! -f "$out/results/results.sqlite" ]; then
  "$twinprof" profile "$here/campaign.yaml" -o "$out/results"
fi
"$twinprof" export "$out/results" --jobs -o "$out/jobs.csv"
start=$(date +%s.%N)
"$twinprof" -v calibrate "$here/scenario.yaml" --data "$out/results" -o "$out/calibration.yaml"
end=$(date +%s.%N)
echo "calibrate wall time: $(echo "$end - $start" | bc) s"
python3 "$here/compare.py" "$twinprof" "$out/results" "$out/jobs.csv" "$out/calibration.yaml" "$out"
