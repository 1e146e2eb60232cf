#!/bin/sh
# Cuts the input into PARTS pieces of equal size (the last takes the rest).
set -eu
size=$(wc -c < "$INPUT_FILE_PATH")
parts=${PARTS:-3}
piece=$(( (size + parts - 1) / parts ))
split -b "$piece" -d -a 2 "$INPUT_FILE_PATH" "$TMP_OUTPUT_DIR/part-"
