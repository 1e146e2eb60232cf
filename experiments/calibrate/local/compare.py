#!/usr/bin/env python3
"""Replays every measured run of the local campaign with the calibrated scenario (`twinprof
simulate --replay`: the run's cpu, parallelism, input sizes and measured upload times) and
compares, per configuration, the mean compute time of its jobs and the mean makespan of its runs.

Usage: compare.py TWINPROF RESULTS JOBS.csv CALIBRATION.yaml OUT_DIR
Prints one row per configuration and the worst errors; exits 1 when a bound of the issue
(compute within 5%, makespan within 10%) is missed. Standard library only."""
import csv
import os
import subprocess
import sys
from collections import defaultdict

twinprof, results, jobs_csv, calibration, out = sys.argv[1:6]
here = os.path.dirname(os.path.abspath(__file__))


def read_runs(path):
    """run_id -> succeeded job rows of that run."""
    runs = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] == "succeeded":
                runs[row["run_id"]].append(row)
    return runs


def makespan(rows):
    return max(float(r["t_finish"]) for r in rows) - min(float(r["t_submit"]) for r in rows)


sim_dir = os.path.join(out, "replay")
subprocess.run([twinprof, "simulate", os.path.join(here, "scenario.yaml"), "-o", sim_dir,
                "--force", "--set", f"calibration={os.path.abspath(calibration)}",
                "--replay", results], check=True, stdout=subprocess.DEVNULL)
measured = read_runs(jobs_csv)
simulated = read_runs(os.path.join(sim_dir, "jobs.csv"))

# configuration (input MB, cpu, parallelism) -> [measured jobs, simulated jobs, measured
# makespans, simulated makespans]
cells = defaultdict(lambda: ([], [], [], []))
for run_id, rows in measured.items():
    if run_id not in simulated:
        sys.exit(f"run {run_id} was measured but not replayed")
    key = (rows[0]["input.mb"], rows[0]["burn.cpu"], rows[0]["burn.parallelism"])
    cell = cells[key]
    cell[0].extend(rows)
    cell[1].extend(simulated[run_id])
    cell[2].append(makespan(rows))
    cell[3].append(makespan(simulated[run_id]))


def mean(values):
    return sum(values) / len(values)


worst_compute = worst_makespan = 0.0
print(f"{'input MB':>8} {'cpu':>4} {'par':>3} {'runs':>4} {'compute meas':>12} {'sim':>8} "
      f"{'err%':>6} {'makespan meas':>13} {'sim':>8} {'err%':>6}")
for key in sorted(cells, key=lambda k: tuple(map(float, k))):
    jobs, sim_jobs, makespans, sim_makespans = cells[key]
    compute = mean([float(r["compute_s"]) for r in jobs])
    sim_compute = mean([float(r["compute_s"]) for r in sim_jobs])
    compute_error = 100 * abs(sim_compute - compute) / compute
    makespan_error = 100 * abs(mean(sim_makespans) - mean(makespans)) / mean(makespans)
    worst_compute = max(worst_compute, compute_error)
    worst_makespan = max(worst_makespan, makespan_error)
    print(f"{key[0]:>8} {key[1]:>4} {key[2]:>3} {len(makespans):>4} {compute:>12.3f} "
          f"{sim_compute:>8.3f} {compute_error:>6.1f} {mean(makespans):>13.3f} "
          f"{mean(sim_makespans):>8.3f} {makespan_error:>6.1f}")
# The "per-component mean compute time": over every job of the component (all
# configurations together), beside the stricter per-configuration rows above.
for component in sorted({r["component"] for rows in measured.values() for r in rows}):
    all_measured = [float(r["compute_s"]) for rows in measured.values() for r in rows
                    if r["component"] == component]
    all_simulated = [float(r["compute_s"]) for rows in simulated.values() for r in rows
                     if r["component"] == component]
    error = 100 * abs(mean(all_simulated) - mean(all_measured)) / mean(all_measured)
    print(f"component {component}: mean compute over {len(all_measured)} jobs measured "
          f"{mean(all_measured):.3f} s, simulated {mean(all_simulated):.3f} s "
          f"({len(all_simulated)} jobs), error {error:.1f}%")
print(f"worst configuration: mean compute {worst_compute:.1f}% (bound 5%), makespan "
      f"{worst_makespan:.1f}% (bound 10%)")
sys.exit(0 if worst_compute <= 5 and worst_makespan <= 10 else 1)
