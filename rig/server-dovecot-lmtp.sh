# Dovecot LMTP refusals, reported by Postfix (which relays lmtp.test to dovecot's LMTP)
. ./server-dovecot.sh; . ./server-postfix.sh
server_up() { dovecot_up; postfix_up; }
server_down() { postfix_down; dovecot_down; }
SEND="--port $MTA_PORT --domain lmtp.test"; CASES=unknown,full,reject,hardmix,dsnparams
WAIT="unknown:failed,full:failed,hardmix:failed"; TIMEOUT=40
TRUTH=conf/truth-dovecot.json  # what dovecot answered (550 5.1.1 User doesn't exist, 552 5.2.2 Quota exceeded), not the sink
