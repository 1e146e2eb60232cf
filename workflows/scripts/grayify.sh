#!/bin/sh
# grayify: turn the image $INPUT_FILE_PATH grey and blur it (Gaussian, sigma BLUR_SIGMA; 0 = no
# blur) with ImageMagick, writing the result under the same name to $TMP_OUTPUT_DIR. OSCAR-style:
# INPUT_FILE_PATH and TMP_OUTPUT_DIR are set by the runner.
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
command -v convert >/dev/null || { echo "grayify.sh: ImageMagick (convert) is not installed" >&2; exit 3; }
name="$(basename "$INPUT_FILE_PATH")"
sigma="${BLUR_SIGMA:-2}"
if [ "$sigma" = "0" ]; then
  convert "$INPUT_FILE_PATH" -colorspace Gray "$TMP_OUTPUT_DIR/$name"
else
  convert "$INPUT_FILE_PATH" -colorspace Gray -blur "0x$sigma" "$TMP_OUTPUT_DIR/$name"
fi
