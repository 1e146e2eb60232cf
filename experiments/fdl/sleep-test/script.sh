#!/bin/sh
# The `sleep-test` service of OSCAR's sleep-test.yaml (copied here unchanged): sleep SLEEP_SECONDS
# (the FDL sets 30), then write a line naming the input to $TMP_OUTPUT_DIR. Our own script.
set -eu
seconds="${SLEEP_SECONDS:-1}"
echo "sleep-test: sleeping $seconds s for $INPUT_FILE_PATH"
sleep "$seconds"
echo "slept $seconds s for $(basename "$INPUT_FILE_PATH")" > "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH").txt"
