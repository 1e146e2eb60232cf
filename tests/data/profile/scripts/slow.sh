#!/bin/sh
echo "slow.sh: sleeping" >&2
sleep 30
