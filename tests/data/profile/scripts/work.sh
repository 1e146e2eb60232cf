#!/bin/sh
# Copies its input to the output after a short pause.
set -eu
sleep 0.02
cp "$INPUT_FILE_PATH" "$TMP_OUTPUT_DIR/done.txt"
