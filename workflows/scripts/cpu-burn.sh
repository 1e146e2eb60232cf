#!/bin/sh
# cpu-burn: hash $INPUT_FILE_PATH $ROUNDS times (single-threaded, CPU-bound) and write the last
# digest to $TMP_OUTPUT_DIR/NAME.sha256. OSCAR-style: INPUT_FILE_PATH and TMP_OUTPUT_DIR are set by
# the runner.
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
rounds="${ROUNDS:-4}"
name="$(basename "$INPUT_FILE_PATH")"
i=0
while [ "$i" -lt "$rounds" ]; do
  digest="$(sha256sum "$INPUT_FILE_PATH")"
  i=$((i + 1))
done
echo "${digest%% *}" > "$TMP_OUTPUT_DIR/$name.sha256"
