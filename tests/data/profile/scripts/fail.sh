#!/bin/sh
echo "fail.sh: something went wrong with $(basename "$INPUT_FILE_PATH")" >&2
exit 3
