#!/usr/bin/env python3
"""Simulates every measured configuration of the local campaign with the calibrated scenario and
compares it with the measurements: per-configuration mean compute time and mean makespan.

Usage: compare.py TWINPROF JOBS.csv CALIBRATION.yaml OUT_DIR
Prints one row per configuration and the worst errors; exits 1 when a bound of the issue
(compute within 5%, makespan within 10%) is missed. Standard library only."""
import csv
import json
import os
import subprocess
import sys
from collections import defaultdict

twinprof, jobs_csv, calibration, out = sys.argv[1:5]
here = os.path.dirname(os.path.abspath(__file__))

runs = defaultdict(list)  # (mb, cpu, parallelism) -> records
with open(jobs_csv, newline="") as f:
    for row in csv.DictReader(f):
        if row["status"] != "succeeded":
            continue
        key = (row["input.mb"], row["burn.cpu"], row["burn.parallelism"])
        runs[key].append(row)

worst_compute = worst_makespan = 0.0
print(f"{'input MB':>8} {'cpu':>4} {'par':>3} {'compute meas':>12} {'sim':>8} {'err%':>6} "
      f"{'makespan meas':>13} {'sim':>8} {'err%':>6}")
for (mb, cpu, parallelism), rows in sorted(runs.items(), key=lambda kv: tuple(map(float, kv[0]))):
    compute = sum(float(r["compute_s"]) for r in rows) / len(rows)
    by_run = defaultdict(list)
    for r in rows:
        by_run[r["run_id"]].append(r)
    makespans = [max(float(r["t_finish"]) for r in rs) - min(float(r["t_submit"]) for r in rs)
                 for rs in by_run.values()]
    makespan = sum(makespans) / len(makespans)
    input_bytes = rows[0]["input_bytes"]
    sim_dir = os.path.join(out, f"sim-{mb}-{cpu}-{parallelism}")
    subprocess.run([twinprof, "simulate", os.path.join(here, "scenario.yaml"), "-o", sim_dir,
                    "--set", f"calibration={os.path.abspath(calibration)}",
                    f"resources.burn.cpu={cpu}", f"resources.burn.parallelism={parallelism}",
                    f"workload.input_size={input_bytes}"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(sim_dir, "jobs.csv"), newline="") as f:
        sim_rows = list(csv.DictReader(f))
    sim_compute = sum(float(r["compute_s"]) for r in sim_rows) / len(sim_rows)
    with open(os.path.join(sim_dir, "summary.json")) as f:
        sim_makespan = json.load(f)["makespan_s"]
    compute_error = 100 * abs(sim_compute - compute) / compute
    makespan_error = 100 * abs(sim_makespan - makespan) / makespan
    worst_compute = max(worst_compute, compute_error)
    worst_makespan = max(worst_makespan, makespan_error)
    print(f"{mb:>8} {cpu:>4} {parallelism:>3} {compute:>12.3f} {sim_compute:>8.3f} "
          f"{compute_error:>6.1f} {makespan:>13.3f} {sim_makespan:>8.3f} {makespan_error:>6.1f}")
print(f"worst: mean compute {worst_compute:.1f}% (bound 5%), makespan {worst_makespan:.1f}% "
      f"(bound 10%)")
sys.exit(0 if worst_compute <= 5 and worst_makespan <= 10 else 1)
