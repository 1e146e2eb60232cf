#!/bin/sh
# Writes PARTS small files named after the input.
set -eu
sleep 0.01
i=1
while [ "$i" -le "${PARTS:-3}" ]; do
  echo "part $i of $(basename "$INPUT_FILE_PATH")" > "$TMP_OUTPUT_DIR/part-$i.txt"
  i=$((i + 1))
done
