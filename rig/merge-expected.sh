#!/bin/bash
# fixtures/mta/expected.jsonl = every server's expected.jsonl, in file order
cd "$(dirname "$0")"; . ./common.sh
cat $(ls $FIXTURES/*/expected.jsonl | sort) | sort -s -t'"' -k4,4 > $FIXTURES/expected.jsonl
wc -l $FIXTURES/expected.jsonl
