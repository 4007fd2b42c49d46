#!/bin/bash
# Regenerate the fixtures of one server: ./run.sh SERVER   (servers: ls server-*.sh)
# Starts the scripted server and SERVER on loopback, sends the matrix, waits for the notices
# (deferrals expire in about a minute), writes fixtures/mta/SERVER/ and stops SERVER.
set -euo pipefail
cd "$(dirname "$0")"; . ./common.sh
S=$1; TRUTH=""; . ./server-$S.sh
mkdir -p $RUN; sink_up
rm -rf $FIXTURES/$S; rm -f $RUN/collect/*.eml
server_up
nice $PY send.py --server $S $SEND ${CASES:+--cases $CASES}
nice $PY harvest.py --server $S --collect $RUN/collect --out $FIXTURES ${TRUTH:+--truth $TRUTH} --wait "$WAIT" --timeout ${TIMEOUT:-120}
server_down
# settle: anything arriving late is a fixture too
sleep ${SETTLE:-3}; nice $PY harvest.py --server $S --collect $RUN/collect --out $FIXTURES ${TRUTH:+--truth $TRUTH}
./merge-expected.sh
