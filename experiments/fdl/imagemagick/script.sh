#!/bin/sh
# The `grayify` service of OSCAR's imagemagick.yaml (copied here unchanged): write a greyscale copy
# of $INPUT_FILE_PATH, same name, to $TMP_OUTPUT_DIR. Our own script for the FDL's `script:`.
set -eu
name="$(basename "$INPUT_FILE_PATH")"
echo "grayify: $INPUT_FILE_PATH -> $TMP_OUTPUT_DIR/$name"
convert "$INPUT_FILE_PATH" -type Grayscale "$TMP_OUTPUT_DIR/$name"
