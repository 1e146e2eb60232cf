#!/usr/bin/env bash
# The speed half of issue 17 (experiments/BENCHMARKS.md, "ML extrapolation parity"): the
# harness's grid (head.ini + grid.ini: normalisation, HoldOut 0.2 validation, KFold 5 selection,
# LRRidge/XGBoost/DecisionTree/RandomForest/SVR) on all of stereomatch_itr_100.csv (3021 rows,
# 19 features), aMLLibrary then twinprof, both at -j JOBS, timed by /usr/bin/time in one run.
#
#   experiments/ml/parity/speed.sh [OUT] [TECHNIQUES]     (default /tmp/parity-speed, all five)
#
# TECHNIQUES, e.g. "'LRRidge', 'XGBoost'", restricts both tools to those (to see what dominates).
# Environment: AML, AML_STUBS, TWINPROF as run.sh; JOBS (default 2). Prints wall time, CPU time
# (user + sys, children included) and peak memory of each tool, the ratios, and the load average.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
aml=${AML:-/tmp/aml}
stubs=${AML_STUBS:-/tmp/amlstub}
twinprof=${TWINPROF:-$root/build/src/cli/twinprof}
jobs=${JOBS:-2}
py=/usr/bin/python3
out=${1:-/tmp/parity-speed}
techniques=${2:-}
[ -f "$aml/run.py" ] || { echo "speed.sh: no aMLLibrary at $aml (see experiments/ml/AMLLIBRARY.md)" >&2; exit 2; }
[ -x "$twinprof" ] || { echo "speed.sh: build twinprof first ($twinprof)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
sed -e "s|@Y@|exec_time_ms|" \
  -e "s|@TRAIN@|$root/experiments/datasets/amllibrary/stereomatch_itr_100.csv|" \
  -e "s|@INVERSE@|'nThreads'|" "$here/head.ini" > "$out/config.ini"
cat "$here/grid.ini" >> "$out/config.ini"
if [ -n "$techniques" ]; then
  sed -i "s/^techniques = .*/techniques = [$techniques]/" "$out/config.ini"
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average before: $(load)"
( cd "$aml" && PYTHONPATH=$stubs /usr/bin/time -f '%e %U %S %M' -o "$out/aml.time" \
    "$py" run.py -c "$out/config.ini" -o "$out/aml" -j "$jobs" > "$out/aml.log" 2>&1 ) ||
  { echo "aMLLibrary failed: $out/aml.log" >&2; exit 1; }
echo "load average after aMLLibrary: $(load)"
/usr/bin/time -f '%e %U %S %M' -o "$out/twinprof.time" \
  "$twinprof" train -c "$out/config.ini" -o "$out/twinprof" -j "$jobs" --force > "$out/twinprof.log" 2>&1 ||
  { echo "twinprof failed: $out/twinprof.log" >&2; exit 1; }
echo "load average after twinprof: $(load)"
read -r aw au as am < "$out/aml.time"
read -r tw tu ts tm < "$out/twinprof.time"
awk -v aw="$aw" -v au="$au" -v as="$as" -v am="$am" -v tw="$tw" -v tu="$tu" -v ts="$ts" -v tm="$tm" -v j="$jobs" 'BEGIN {
  printf "| -j %s | wall | CPU (user + sys) | peak memory |\n|---|---:|---:|---:|\n", j
  printf "| aMLLibrary | %.1f s | %.1f s | %.0f MB |\n", aw, au + as, am / 1024
  printf "| twinprof | %.1f s | %.1f s | %.0f MB |\n", tw, tu + ts, tm / 1024
  printf "| ratio | %.1fx | %.1fx | |\n", aw / tw, (au + as) / (tu + ts)
}'
