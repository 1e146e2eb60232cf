#!/bin/sh
# With MODE=block and no $RELEASE file: starts a long sleep in the background, writes its pid to
# $PIDS/<input>.pid and waits for it (a job that outlives a Ctrl-C unless it is killed). Else
# succeeds at once.
set -eu
if [ "$MODE" = block ] && [ ! -e "$RELEASE" ]; then
  sleep 120 &
  echo $! > "$PIDS/$(basename "$INPUT_FILE_PATH").pid.tmp"
  mv "$PIDS/$(basename "$INPUT_FILE_PATH").pid.tmp" "$PIDS/$(basename "$INPUT_FILE_PATH").pid"
  wait
fi
echo done > "$TMP_OUTPUT_DIR/done.txt"
