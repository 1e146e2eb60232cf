#!/bin/sh
# cpu-burn: hash $INPUT_FILE_PATH $ROUNDS times (single-threaded, CPU-bound) and write the last
# digest to $TMP_OUTPUT_DIR/NAME.sha256. OSCAR-style: INPUT_FILE_PATH and TMP_OUTPUT_DIR are set by
# the runner.
#
# One sha256sum process hashes the file ROUNDS times (the path repeated): a process per round
# made two concurrent jobs on this 2-core machine take 1.6x their CPU time in wall time (each
# short-lived process was placed beside the other job's), where one process per job takes 1.0x
# (experiments/BENCHMARKS.md, "Calibration").
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
rounds="${ROUNDS:-4}"
name="$(basename "$INPUT_FILE_PATH")"
set --
i=0
while [ "$i" -lt "$rounds" ]; do
  set -- "$@" "$INPUT_FILE_PATH"
  i=$((i + 1))
done
digest="$(sha256sum "$@" | tail -n 1)"
echo "${digest%% *}" > "$TMP_OUTPUT_DIR/$name.sha256"
