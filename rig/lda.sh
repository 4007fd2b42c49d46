#!/bin/bash
# sendmail-style front for dovecot-lda: lda.sh -f SENDER RCPT... (message on stdin)
. "$(dirname "$0")/common.sh"; DV=$RUN/dovecot
[ "$1" = -f ] && { from=$2; shift 2; }
msg=$(mktemp); cat > $msg
for r in "$@"; do /usr/lib/dovecot/dovecot-lda -c $DV/dovecot.conf -d "${r%@*}" -a "$r" -f "$from" < $msg; echo "lda $r rc=$?" >&2; done
rm -f $msg
