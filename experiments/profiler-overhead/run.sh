#!/usr/bin/env bash
# Reproduces experiments/BENCHMARKS.md, "Profiler overhead (local backend)":
#  1. 250 no-op jobs back to back: the median time from one committed record to the next (a job's
#     whole cycle: slot, cgroup, folders, input copy, fork/exec of the script, reaping, output
#     upload, cleanup, SQLite commit) and that minus the script's own process lifetime (compute_s);
#  2. the wall time of the example video-process campaign.
# Usage: experiments/profiler-overhead/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
twinprof="$root/${1:-build}/src/cli/twinprof"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$twinprof" profile "$here/campaign.yaml" -o "$out/noop" -q
sqlite3 "$out/noop/results.sqlite" <<'SQL'
.mode list
CREATE TEMP TABLE cycle AS
  SELECT (committed_at - LAG(committed_at) OVER (ORDER BY seq)) * 1000 AS ms,
         (t_exec_end - t_exec_start) * 1000 AS script_ms
  FROM jobs;
DELETE FROM cycle WHERE ms IS NULL;
CREATE TEMP TABLE sorted_ms AS SELECT ms FROM cycle ORDER BY ms;
CREATE TEMP TABLE sorted_profiler AS SELECT ms - script_ms AS ms FROM cycle ORDER BY ms - script_ms;
CREATE TEMP TABLE sorted_script AS SELECT script_ms AS ms FROM cycle ORDER BY script_ms;
SELECT 'jobs measured: ' || COUNT(*) FROM cycle;
SELECT 'median job cycle (request to committed record, no-op script): ' ||
       printf('%.2f ms', ms) FROM sorted_ms LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM cycle);
SELECT 'median no-op script process lifetime (fork to reaped, compute_s): ' ||
       printf('%.2f ms', ms) FROM sorted_script LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM cycle);
SELECT 'median profiler overhead (cycle minus script): ' ||
       printf('%.2f ms', ms) FROM sorted_profiler LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM cycle);
SELECT '90th percentile job cycle: ' || printf('%.2f ms', ms) FROM sorted_ms
       LIMIT 1 OFFSET (SELECT COUNT(*) * 9 / 10 FROM cycle);
SQL

start=$(date +%s.%N)
"$twinprof" profile "$root/experiments/video-process/campaign.yaml" -o "$out/video" -q
end=$(date +%s.%N)
echo "video-process campaign wall time: $(echo "$end - $start" | bc) s"
sqlite3 "$out/video/results.sqlite" \
  "SELECT 'video-process: ' || COUNT(*) || ' runs, ' || SUM(jobs) || ' jobs, ' || SUM(failed_jobs) || ' failed' FROM runs;"
