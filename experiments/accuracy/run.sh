#!/usr/bin/env bash
# The accuracy experiment (experiments/BENCHMARKS.md, "Accuracy: sim, ml and hybrid"):
#  1. profile video-process on this machine over split-video cpu {0.25, 0.5, 1, 1.5, 2} x grayify
#     parallelism {1, 2, 4} x three input resolutions (campaign.yaml, 45 configurations x 3 repetitions, 1890 jobs);
#  2. fit on the training side only, split-video.cpu <= 1 and grayify.parallelism <= 2 (18 runs):
#     a calibration (twinprof calibrate) and one ML model per component of compute_s
#     (twinprof train, rows of the other runs skipped), plus, for the hybrid, one of the compute
#     time without the component's own contention (train-hybrid.ini);
#  3. predict every run: sim = the scenario with the calibration, replayed on the measured runs;
#     hybrid = the same with each component's compute time from its ML model; ml = the models
#     alone, per job (twinprof predict);
#  4. validate the three against the measurements, split into interpolation and extrapolation.
# Usage: experiments/accuracy/run.sh [OUT] (default /tmp/accuracy), after ./scripts/build.
# Rerunning resumes the profile; every later step is redone.
set -euo pipefail
cd "$(dirname "$0")/../.."
twinprof=${TWINPROF:-build/src/cli/twinprof}
here=experiments/accuracy
out=${1:-/tmp/accuracy}
mkdir -p "$out"
out=$(cd "$out" && pwd)
where='split-video.cpu<=1,grayify.parallelism<=2'

# 1. Measurements.
resume=()
[ -e "$out/measured/results.sqlite" ] && resume=(--resume)
"$twinprof" profile "$here/campaign.yaml" -o "$out/measured" "${resume[@]}" -q

# 2a. The training side as a job CSV (the measured jobs of the training runs only).
"$twinprof" export "$out/measured" --jobs -o "$out/measured.csv"
python3 - "$out/measured.csv" "$out/training.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
keep = [r for r in rows
        if float(r["split-video.cpu"]) <= 1 and float(r["grayify.parallelism"]) <= 2]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(keep)
print(f"training side: {len(keep)} of {len(rows)} jobs")
PY

# 2b. The calibration, fitted on the training side (when this build has `twinprof calibrate`;
# otherwise the sim predictor is scenario.yaml's hand-written behaviour).
repo=$(pwd)
place() {  # a scenario of this folder, with paths that work from $out
  sed -e "s|\.\./\.\./|$repo/|" -e "s|platform: platform.yaml|platform: $repo/$here/platform.yaml|" "$@"
}
if "$twinprof" --help | grep -q "^  calibrate "; then
  "$twinprof" calibrate "$here/scenario.yaml" --data "$out/training.csv" -o "$out/calibration.yaml"
  place -e "s|@CALIBRATION@|$out/calibration.yaml|" "$here/scenario-calibrated.yaml" \
    > "$out/scenario-sim.yaml"
  base="calibration: $out/calibration.yaml"
else
  echo "twinprof calibrate is not in this build: sim uses scenario.yaml's hand-written behaviour"
  place "$here/scenario.yaml" > "$out/scenario-sim.yaml"
  base="behaviour_file: $repo/$here/scenario.yaml"
fi
place -e "s|@BASE@|$base|" -e "s|@MODELS@|$out|g" "$here/scenario-hybrid.yaml" \
  > "$out/scenario-hybrid.yaml"

# 2c. One model of compute_s per component, trained on the training side.
for component in split-video grayify; do
  "$twinprof" export "$out/measured" --jobs --component "$component" --target compute_s \
    -o "$out/train-$component.csv"
  sed -e "s|@INPUT@|$out/train-$component.csv|" "$here/train.ini" > "$out/train-$component.ini"
  "$twinprof" train -c "$out/train-$component.ini" -o "$out/model-$component" --force -j 2
  # The hybrid's model: the job's compute time without its own component's contention.
  sed -e "s|@INPUT@|$out/train-$component.csv|" "$here/train-hybrid.ini" \
    > "$out/train-hybrid-$component.ini"
  "$twinprof" train -c "$out/train-hybrid-$component.ini" -o "$out/model-hybrid-$component" \
    --force -j 2
done

# 3. Predictions of every measured run.
"$twinprof" simulate "$out/scenario-sim.yaml" --replay "$out/measured" -o "$out/sim" -j 2
"$twinprof" simulate "$out/scenario-hybrid.yaml" --replay "$out/measured" -o "$out/hybrid" -j 2
ml=()
for component in split-video grayify; do
  "$twinprof" export "$out/measured" --jobs --component "$component" -o "$out/all-$component.csv"
  printf '[DataPreparation]\ninput_path = "%s"\n' "$out/all-$component.csv" \
    > "$out/predict-$component.ini"
  "$twinprof" predict -r "$out/model-$component/best.model" -c "$out/predict-$component.ini" \
    -o "$out/ml-$component"
  ml+=(--predicted "ml=$out/ml-$component")
done

# 4. Validation.
"$twinprof" -v validate --measured "$out/measured" --predicted "sim=$out/sim" \
  --predicted "hybrid=$out/hybrid" "${ml[@]}" --trained-where "$where" -o "$out/validation"
