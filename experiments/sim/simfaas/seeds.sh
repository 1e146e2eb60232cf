#!/bin/sh
# SimFaaS's two scenarios over several seeds: P(cold) and the time-averaged number of instances,
# per seed and as a mean with its 95% confidence interval (Student's t over the seeds), against
# SimFaaS's figures. At 10^6 requests a run has only ~1,400 (λ 0.9/s) or ~2,000 (λ 10/s) cold
# starts, so one seed's P(cold) is off by a few percent by chance alone; the mean over seeds is not.
#   experiments/sim/simfaas/seeds.sh [TWINPROF_BINARY] [REQUESTS] [SEEDS]  (from the repository root)
# SIMULATE_ARGS (split on spaces) is passed to every `twinprof simulate`, e.g. another routing:
#   SIMULATE_ARGS="--set resources.function.routing=random" experiments/sim/simfaas/seeds.sh
# SIMFAAS_RUNS names the output of simfaas_reference.py (SimFaaS itself over seeds): then the
# means are also compared with SimFaaS's mean over its seeds (difference, Welch's 95% CI).
set -eu
twinprof=${1:-build/src/cli/twinprof}
requests=${2:-1000000}
seeds=${3:-10}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for case in "scenario 0.001381 7.7005" "scenario-busy 0.002007 13.355"; do
  set -- $case
  seed=1
  while [ "$seed" -le "$seeds" ]; do
    # shellcheck disable=SC2086  # SIMULATE_ARGS is a list of words
    "$twinprof" simulate "$here/$1.yaml" -o "$out/$1-$seed" --seed "$seed" \
      --set "workload.files=$requests" ${SIMULATE_ARGS:-} > /dev/null
    rm -f "$out/$1-$seed/jobs.csv"  # 270 MB at 10^6; only summary.json is read
    seed=$((seed + 1))
  done
  python3 - "$out" "$1" "$seeds" "$2" "$3" "${SIMFAAS_RUNS:-}" <<'PY'
import json, math, statistics, sys
out, name, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3])
p_ref, n_ref = float(sys.argv[4]), float(sys.argv[5])
simfaas_runs = sys.argv[6]
# Student's t quantile 0.975 for 1..30 degrees of freedom (then the normal's).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
def t975(df):
    return T975[int(df) - 1] if 1 <= df <= 30 else 1.96

runs = []
for seed in range(1, seeds + 1):
    f = json.load(open(f"{out}/{name}-{seed}/summary.json"))["components"]["function"]
    runs.append((f["cold_start_probability"], f["containers"]["mean"], f["jobs"]))
print(f"{name}: {seeds} seeds")
print("  seed   p_cold   vs SimFaaS  instances  vs SimFaaS")
for seed, (p, n, _) in enumerate(runs, 1):
    print(f"  {seed:4d} {p:9.6f} {100 * (p / p_ref - 1):+8.2f}% {n:10.4f} {100 * (n / n_ref - 1):+8.2f}%")
for label, values, ref in (("p_cold", [r[0] for r in runs], p_ref),
                           ("instances", [r[1] for r in runs], n_ref)):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else float("nan")
    half = t975(len(values) - 1) * sd / math.sqrt(len(values))
    print(f"  {label}: mean {mean:.6g} ({100 * (mean / ref - 1):+.2f}% vs SimFaaS {ref:g}), "
          f"95% CI [{mean - half:.6g}, {mean + half:.6g}] (+-{100 * half / mean:.2f}%), "
          f"per-seed sd {100 * sd / mean:.2f}%, range [{min(values):.6g}, {max(values):.6g}]")
if simfaas_runs:
    # Lines "scenario seed requests cold p_cold instances" of simfaas_reference.py.
    theirs = [row for row in map(str.split, open(simfaas_runs))
              if len(row) == 6 and row[0] == name and row[1].isdigit()]
    for label, column, ours in (("p_cold", 4, [r[0] for r in runs]),
                                ("instances", 5, [r[1] for r in runs])):
        values = [float(row[column]) for row in theirs]
        if len(values) < 2:
            continue
        m1, m2 = statistics.mean(ours), statistics.mean(values)
        v1, v2 = statistics.variance(ours) / len(ours), statistics.variance(values) / len(values)
        df = (v1 + v2) ** 2 / (v1 ** 2 / (len(ours) - 1) + v2 ** 2 / (len(values) - 1))
        half = t975(df) * math.sqrt(v1 + v2)
        half_theirs = t975(len(values) - 1) * math.sqrt(v2)
        print(f"  {label}: SimFaaS over {len(values)} seeds {m2:.6g} +- {100 * half_theirs / m2:.2f}% "
              f"(per-seed sd {100 * statistics.stdev(values) / m2:.2f}%); ours - SimFaaS's "
              f"{100 * (m1 / m2 - 1):+.2f}%, 95% CI [{100 * (m1 - m2 - half) / m2:+.2f}%, "
              f"{100 * (m1 - m2 + half) / m2:+.2f}%]")
PY
done
