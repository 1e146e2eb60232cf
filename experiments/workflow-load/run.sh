#!/usr/bin/env bash
# Workflow-loading benchmark: how long `twinprof check` and `twinprof graph` take on large layered
# WfFormat instances (JSON parse, task/edge extraction, the position index for located messages,
# the Boost graph, validation with a topological order; graph adds the DOT output).
# Prints wall-clock and user CPU seconds (user is the steadier figure on a shared machine).
# usage: experiments/workflow-load/run.sh [TWINPROF_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
twinprof="${1:-build/src/cli/twinprof}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
TIMEFORMAT='%R %U'
printf '%-9s %7s %7s %6s %15s %15s\n' shape tasks edges MB "check real/user" "graph real/user"
for shape in "10 100" "10 1000" "20 5000"; do
  set -- $shape
  file="$tmp/layered-$1x$2.json"
  python3 experiments/workflow-load/gen_wfformat.py "$1" "$2" "$file"
  size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
  check=$( { time "$twinprof" check "$file" > "$tmp/out"; } 2>&1 )
  graph=$( { time "$twinprof" graph "$file" > /dev/null; } 2>&1 )
  edges=$(sed -E 's/.* ([0-9]+) edges.*/\1/' "$tmp/out")
  printf '%-9s %7d %7s %6s %15s %15s\n' "$1x$2" $(( $1 * $2 )) "$edges" "$size_mb" \
    "${check/ //}" "${graph/ //}"
done
