#!/bin/sh
# Holds 200 MB in memory (tail keeps the whole stream until its end).
head -c 200000000 /dev/zero | tail -c 200000000 > /dev/null
echo "hog.sh: survived" >&2
