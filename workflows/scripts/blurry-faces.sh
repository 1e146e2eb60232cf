#!/bin/bash
# blurry-faces: blur the faces in $INPUT_FILE_PATH (a video or an image) and write one image per
# sampled frame to $TMP_OUTPUT_DIR. OSCAR-style: INPUT_FILE_PATH and TMP_OUTPUT_DIR are set by the
# runner; FRAMES_PER_SECOND (default 1) picks how many frames per second of video to keep.
#
# It needs the grycap/blurry-faces image (/opt/blurry-faces with its face model, python3, ffmpeg);
# elsewhere it stops with a message instead of pretending to work.
set -euo pipefail

: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
BLURRY_FACES_HOME="${BLURRY_FACES_HOME:-/opt/blurry-faces}"
if [[ ! -f "$BLURRY_FACES_HOME/src/auto.py" ]] || ! command -v ffmpeg >/dev/null; then
  echo "blurry-faces.sh: needs the grycap/blurry-faces image ($BLURRY_FACES_HOME/src/auto.py and ffmpeg)" >&2
  exit 3
fi

name="$(basename "${INPUT_FILE_PATH%.*}")"
frames="$(mktemp -d)"
trap 'rm -rf "$frames"' EXIT
case "$INPUT_FILE_PATH" in
  *.jpg|*.jpeg|*.png) cp "$INPUT_FILE_PATH" "$frames/${name}-000001.jpg" ;;
  *) ffmpeg -loglevel error -i "$INPUT_FILE_PATH" -vf "fps=${FRAMES_PER_SECOND:-1}" "$frames/${name}-%06d.jpg" ;;
esac
for frame in "$frames"/*.jpg; do
  python3 "$BLURRY_FACES_HOME/src/auto.py" --input_image "$frame" \
    --output_image "$TMP_OUTPUT_DIR/$(basename "$frame")" \
    --model_path "$BLURRY_FACES_HOME/face_model/face.pb" --threshold 0.7
done
