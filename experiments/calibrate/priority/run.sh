#!/usr/bin/env bash
# Does a job get its CPU quota on a busy machine? A cpu-1 cpu-burn job's compute time against its
# CPU time, with and without local.prioritize_jobs, on the machine as it is and with two extra
# `yes > /dev/null` loops, two rounds (experiments/BENCHMARKS.md, "Calibration").
# Usage: run.sh [OUT] (default /tmp/priority), after ./scripts/build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
twinprof=${TWINPROF:-$here/../../../build/src/cli/twinprof}
out=${1:-/tmp/priority}
mkdir -p "$out"
for round in 1 2; do
  for load in machine machine+2yes; do
    pids=()
    if [ "$load" = machine+2yes ]; then
      yes > /dev/null & pids+=($!)
      yes > /dev/null & pids+=($!)
    fi
    for prioritize in true false; do
      d=$out/$round-$load-$prioritize
      rm -rf "$d"
      loadavg=$(cut -d' ' -f1 /proc/loadavg)
      "$twinprof" profile "$here/campaign-$prioritize.yaml" -o "$d" -q > "$d.log" 2>&1
      "$twinprof" export "$d" --jobs -o "$d.csv" > /dev/null
      python3 - "$d.csv" "$round" "$load" "$prioritize" "$loadavg" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "succeeded"]
wall = [float(r["compute_s"]) for r in rows]
cpu = [float(r["cpu_time_s"]) for r in rows]
print(f"round {sys.argv[2]} {sys.argv[3]:13} prioritize={sys.argv[4]:5} load {sys.argv[5]:>5}: "
      f"compute {statistics.mean(wall):.3f} s (sd {statistics.stdev(wall):.3f}), "
      f"CPU time {statistics.mean(cpu):.3f} s, compute / CPU time {statistics.mean(wall) / statistics.mean(cpu):.2f}")
PY
    done
    for pid in "${pids[@]}"; do kill "$pid"; done
  done
done
