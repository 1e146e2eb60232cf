#!/usr/bin/env bash
# Two single-threaded hashing jobs side by side on this 2-core machine, each in a cgroup of 1 core
# under a parent of maximal weight (as the local backend sets them up): once as a process per
# round (24 sha256sum processes of a 16 MB file, as cpu-burn.sh did), once as one process hashing
# the file 24 times. Prints wall time / CPU time per job, alone and in pairs, three rounds.
# Needs root and cgroup v1 (cpu, cpuacct); experiments/BENCHMARKS.md, "Calibration".
set -euo pipefail
file=$(mktemp)
head -c 16000000 /dev/zero > "$file"
P=/sys/fs/cgroup/cpu/pairs-$$ A=/sys/fs/cgroup/cpuacct/pairs-$$
mkdir "$P" "$A"
echo 262144 > "$P/cpu.shares"
files=$(for _ in $(seq 24); do printf '%s ' "$file"; done)
job() {  # NAME MODE
  mkdir -p "$P/$1" "$A/$1"
  echo 100000 > "$P/$1/cpu.cfs_period_us"
  echo 100000 > "$P/$1/cpu.cfs_quota_us"
  echo 0 > "$A/$1/cpuacct.usage"
  (
    echo $BASHPID > "$P/$1/cgroup.procs"
    echo $BASHPID > "$A/$1/cgroup.procs"
    start=$(date +%s.%N)
    if [ "$2" = forks ]; then
      for _ in $(seq 24); do d=$(sha256sum "$file"); done
    else
      # shellcheck disable=SC2086
      sha256sum $files > /dev/null
    fi
    end=$(date +%s.%N)
    python3 -c "import sys; w=$end-$start; c=$(cat "$A/$1/cpuacct.usage")/1e9; print(f'$2 $3 $1: wall {w:.3f} s, CPU {c:.3f} s, wall/CPU {w/c:.2f}')"
  )
}
for round in 1 2 3; do
  for mode in forks one; do
    job j1 "$mode" alone
    job j1 "$mode" pair & job j2 "$mode" pair & wait
  done
done
rmdir "$P/j1" "$P/j2" "$A/j1" "$A/j2" "$P" "$A"
rm -f "$file"
