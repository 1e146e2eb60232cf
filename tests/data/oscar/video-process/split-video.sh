#!/bin/sh
# split-video: one PNG per second of the input video, written to $TMP_OUTPUT_DIR.
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
name="$(basename "${INPUT_FILE_PATH%.*}")"
ffmpeg -hide_banner -loglevel error -nostdin -i "$INPUT_FILE_PATH" -vf fps=1 \
  "$TMP_OUTPUT_DIR/$name-frame-%03d.png"
