#!/bin/sh
# split-video: write FRAMES_PER_SECOND frames per second of the video $INPUT_FILE_PATH as PNG
# images NAME-0001.png, NAME-0002.png, ... to $TMP_OUTPUT_DIR (ffmpeg). OSCAR-style:
# INPUT_FILE_PATH and TMP_OUTPUT_DIR are set by the runner.
set -eu
: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
command -v ffmpeg >/dev/null || { echo "split-video.sh: ffmpeg is not installed" >&2; exit 3; }
name="$(basename "$INPUT_FILE_PATH")"
name="${name%.*}"
echo "split-video: $INPUT_FILE_PATH at ${FRAMES_PER_SECOND:-1} frame(s) per second"
ffmpeg -nostdin -hide_banner -loglevel error -i "$INPUT_FILE_PATH" \
  -vf "fps=${FRAMES_PER_SECOND:-1}" "$TMP_OUTPUT_DIR/${name}-%04d.png"
