#!/bin/sh
# grayify: the input image in grayscale, written to $TMP_OUTPUT_DIR.
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
convert "$INPUT_FILE_PATH" -colorspace Gray "$TMP_OUTPUT_DIR/gray-$(basename "$INPUT_FILE_PATH")"
