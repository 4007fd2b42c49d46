# dovecot-lda rejection MDNs: over quota and a sieve "reject" (sent by SMTP to the scripted server)
. ./server-dovecot.sh
server_up() { dovecot_up; }
server_down() { dovecot_down; }
SEND="--cmd $RIG_SRC/lda.sh --domain lmtp.test"; CASES=full,reject
WAIT="full,reject"; TIMEOUT=20
TRUTH=$RUN/truth-lda.json
$PY -c 'import json,sys; json.dump({"full":{"status":"5.2.2","reply_code":None,"cause":"mailboxfull","type":"hard","reason":"mailbox_full"},
 "reject":{"status":None,"reply_code":None,"cause":"filtered","type":"hard","reason":"content"}}, open(sys.argv[1],"w"))' $TRUTH
