#!/bin/bash
# mask-detector: run a YOLO face-mask detector on the image $INPUT_FILE_PATH and write the
# annotated image and the detections (text) to $TMP_OUTPUT_DIR. OSCAR-style: INPUT_FILE_PATH and
# TMP_OUTPUT_DIR are set by the runner.
#
# It needs the grycap/mask-detector-yolo image (darknet with the mask model under /opt/mask-detector);
# elsewhere it stops with a message instead of pretending to work.
set -euo pipefail

: "${INPUT_FILE_PATH:?INPUT_FILE_PATH is not set}"
: "${TMP_OUTPUT_DIR:?TMP_OUTPUT_DIR is not set}"
MODEL_HOME="${MASK_DETECTOR_HOME:-/opt/mask-detector}"
if [[ ! -x "$MODEL_HOME/darknet" || ! -f "$MODEL_HOME/cfg/mask.cfg" ]]; then
  echo "mask-detector.sh: needs the grycap/mask-detector-yolo image ($MODEL_HOME/darknet and its model)" >&2
  exit 3
fi

name="$(basename "${INPUT_FILE_PATH%.*}")"
cd "$MODEL_HOME"
./darknet detector test cfg/mask.data cfg/mask.cfg backup/mask.weights "$INPUT_FILE_PATH" \
  -dont_show -ext_output > "$TMP_OUTPUT_DIR/${name}.txt"
cp predictions.jpg "$TMP_OUTPUT_DIR/${name}-detections.jpg"
