#!/bin/sh
# SimFaaS's two scenarios at 10^6 requests: P(cold) and the time-averaged number of instances
# against SimFaaS's own figures, with the CPU time (user + system) and peak resident memory of
# the simulating process (GNU time). jobs.csv (10^6 rows) is written as always.
#   experiments/sim/simfaas/run.sh [TWINPROF_BINARY] [REQUESTS]     (from the repository root)
set -eu
twinprof=${1:-build/src/cli/twinprof}
requests=${2:-1000000}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-14s %9s %10s %10s %9s %9s %9s %9s\n' scenario requests p_cold simfaas instances \
  simfaas cpu_s peak_MiB
for case in "scenario 0.001381 7.7005" "scenario-busy 0.002007 13.355"; do
  set -- $case
  /usr/bin/time -f '%U %S %M' -o "$out/time" \
    "$twinprof" simulate "$here/$1.yaml" -o "$out/$1" --set "workload.files=$requests" > /dev/null
  read -r user sys kib < "$out/time"
  python3 - "$out/$1/summary.json" "$1" "$requests" "$2" "$3" "$user" "$sys" "$kib" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
f = summary["components"]["function"]
name, requests, p_ref, n_ref, user, sys_, kib = sys.argv[2:]
print("%-14s %9s %10.6f %10s %9.4f %9s %9.2f %9.1f" % (
    name, requests, f["cold_start_probability"], p_ref, f["containers"]["mean"], n_ref,
    float(user) + float(sys_), int(kib) / 1024))
PY
done
