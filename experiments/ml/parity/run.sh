#!/usr/bin/env bash
# The extrapolation parity harness of issue 17 (experiments/BENCHMARKS.md, "ML extrapolation
# parity"): for each split, train on the configurations up to a bound and predict those beyond
# it, with aMLLibrary itself and with `twinprof train` on the same .ini, and compare per
# technique the chosen hyperparameters, the selection MAPE and the test MAPE.
#
#   experiments/ml/parity/run.sh [OUT] [SPLIT...]     (default OUT /tmp/parity, every split)
#
# Environment: AML (aMLLibrary's source, default /tmp/aml), AML_STUBS (its two stub modules,
# default /tmp/amlstub; experiments/ml/AMLLIBRARY.md says how to make both), TWINPROF (default
# build/src/cli/twinprof), JOBS (processes of each tool, default 1), REUSE_AML=1 (keep a split's
# earlier aMLLibrary output in OUT and rerun only twinprof: for trying changes to twinprof; the
# split's train and test files are remade the same). Python: Debian's
# /usr/bin/python3 with python3-sklearn, python3-pandas, python3-xgboost.
#
# Per split, OUT/SPLIT/ holds train.csv, test.csv, config.ini (both tools' configuration),
# aml/ and twinprof/ (their outputs), the test predictions, and, for the diagnosis, twinprof
# refitted at aMLLibrary's chosen points (at_aml/). OUT/table.md is the table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
aml=${AML:-/tmp/aml}
stubs=${AML_STUBS:-/tmp/amlstub}
twinprof=${TWINPROF:-$root/build/src/cli/twinprof}
jobs=${JOBS:-1}
py=/usr/bin/python3
out=${1:-/tmp/parity}
shift || true
[ -f "$aml/run.py" ] || { echo "run.sh: no aMLLibrary at $aml (see experiments/ml/AMLLIBRARY.md)" >&2; exit 2; }
[ -x "$twinprof" ] || { echo "run.sh: build twinprof first ($twinprof)" >&2; exit 2; }
"$py" -c 'import sklearn, xgboost, pandas' 2>/dev/null ||
  { echo "run.sh: $py needs python3-sklearn, python3-xgboost, python3-pandas" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
data=$root/experiments/datasets

# name | data | split column | bound (train <= bound) | y | columns kept | inverse
splits=(
  "stereomatch_threads|amllibrary/stereomatch_itr_100.csv|nThreads|4|exec_time_ms|confidence,hypo_step,max_arm_length,nThreads,exec_time_ms|'nThreads'"
  "stereomatch_arm|amllibrary/stereomatch_itr_100.csv|max_arm_length|8|exec_time_ms|confidence,hypo_step,max_arm_length,nThreads,exec_time_ms|'nThreads'"
  "faas_lambda|amllibrary/faas_predict.csv|Lambda|0.5|ave_response_time|Lambda,warm_service_time,cold_service_time,ave_response_time|'Lambda'"
  "video_cpu|twinprof/accuracy_split-video.csv|split-video.cpu|1|compute_s|split-video.cpu,grayify.parallelism,input_bytes,compute_s|'split-video.cpu'"
  "video_parallelism|twinprof/accuracy_grayify.csv|grayify.parallelism|2|compute_s|split-video.cpu,grayify.parallelism,input_bytes,compute_s|'split-video.cpu'"
)
wanted=" $* "

predict_ini() {  # y input
  printf '[General]\ny = "%s"\n\n[DataPreparation]\ninput_path = "%s"\n' "$1" "$2"
}

ran=()
for entry in "${splits[@]}"; do
  IFS='|' read -r name file column bound y columns inverse <<< "$entry"
  [ $# -eq 0 ] || [[ "$wanted" == *" $name "* ]] || continue
  ran+=("$name")
  dir=$out/$name
  reuse=0
  [ "${REUSE_AML:-0}" = 1 ] && [ -f "$dir/aml.json" ] && reuse=1
  if [ $reuse = 1 ]; then
    rm -rf "$dir/twinprof" "$dir/twinprof-test" "$dir/at_aml" "$dir/at_aml-test"
  else
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  echo "== $name: train $column <= $bound, test $column > $bound ($file)"
  "$py" "$here/split.py" "$data/$file" "$column" "$bound" "$dir/train.csv" "$dir/test.csv" \
    "$columns" | sed 's/^/   /'
  sed -e "s|@Y@|$y|" -e "s|@TRAIN@|$dir/train.csv|" -e "s|@INVERSE@|$inverse|" \
    "$here/head.ini" > "$dir/config.ini"
  cat "$here/grid.ini" >> "$dir/config.ini"
  predict_ini "$y" "$dir/test.csv" > "$dir/predict.ini"

  # aMLLibrary (its run.py refuses an existing output folder), then its models on the test rows.
  if [ $reuse = 0 ]; then
    ( cd "$aml" && PYTHONPATH=$stubs /usr/bin/time -f '%e %U %S %M' -o "$dir/aml.time" \
        "$py" run.py -c "$dir/config.ini" -o "$dir/aml" -j "$jobs" > "$dir/aml.log" 2>&1 ) ||
      { echo "aMLLibrary failed on $name: $dir/aml.log" >&2; exit 1; }
    PYTHONPATH=$aml:$stubs "$py" "$here/aml_eval.py" "$dir/aml" "$dir/train.csv" \
      "$dir/test.csv" "$y" "$dir/aml.json" "$dir/aml_points.ini"
  fi

  # twinprof on the same configuration, then each technique's model on the test rows.
  /usr/bin/time -f '%e %U %S %M' -o "$dir/twinprof.time" \
    "$twinprof" train -c "$dir/config.ini" -o "$dir/twinprof" -j "$jobs" --force \
    > "$dir/twinprof.log" 2>&1 ||
    { echo "twinprof failed on $name: $dir/twinprof.log" >&2; exit 1; }
  for model in "$dir"/twinprof/*.model; do
    technique=$(basename "$model" .model)
    [ "$technique" = best ] && continue
    "$twinprof" predict -r "$model" -c "$dir/predict.ini" -o "$dir/twinprof-test/$technique" \
      > /dev/null
  done

  # Diagnosis: twinprof refitted on every training row at aMLLibrary's chosen points.
  sed -e 's/^validation = .*/validation = All/' -e 's/^hp_selection = .*/hp_selection = All/' \
    "$dir/config.ini" | sed '/^\[LRRidge\]/,$d' > "$dir/at_aml.ini"
  cat "$dir/aml_points.ini" >> "$dir/at_aml.ini"
  "$twinprof" train -c "$dir/at_aml.ini" -o "$dir/at_aml" -j "$jobs" --force \
    > "$dir/at_aml.log" 2>&1 || { echo "twinprof failed on $name: $dir/at_aml.log" >&2; exit 1; }
  for model in "$dir"/at_aml/*.model; do
    technique=$(basename "$model" .model)
    [ "$technique" = best ] && continue
    "$twinprof" predict -r "$model" -c "$dir/predict.ini" -o "$dir/at_aml-test/$technique" \
      > /dev/null
  done
done

"$py" "$here/table.py" "$out" "$here/grid.ini" "${ran[@]}" | tee "$out/table.md"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
