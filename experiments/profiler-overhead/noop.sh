#!/bin/sh
# Does nothing (OSCAR-style script: ignores INPUT_FILE_PATH, writes no output).
:
