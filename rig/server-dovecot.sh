# Dovecot 2.3 on the host: shared setup for dovecot-lmtp and dovecot-lda (sourced)
DV=$RUN/dovecot
dovecot_up() {
  for p in dovecot-lmtpd dovecot-sieve; do dpkg -s $p >/dev/null 2>&1 || { with_policy_rc /; apt-get install -y $p; rm -f /usr/sbin/policy-rc.d; }; done
  mkdir -p $DV/base $DV/state $DV/mail $DV/sieve
  sed -e "s#@DV@#$DV#g" -e "s#@LMTP_PORT@#$LMTP_PORT#g" -e "s#@SINK_PORT@#$SINK_PORT#g" $RIG_SRC/conf/dovecot.conf.in > $DV/dovecot.conf
  getent passwd vmail >/dev/null || useradd -r -u 5000 -U -d $DV/mail -s /usr/sbin/nologin vmail
  local u=$(id -u vmail) g=$(id -g vmail)
  { echo "ok:{PLAIN}x:$u:$g::$DV/mail/ok::"
    echo "full:{PLAIN}x:$u:$g::$DV/mail/full::userdb_quota_rule=*:storage=1B"
    echo "reject:{PLAIN}x:$u:$g::$DV/mail/reject::"; } > $DV/users
  printf 'require "reject";\nreject "Mailbox closed: this address no longer reads mail from your domain.";\n' > $DV/sieve/reject.sieve
  chown -R vmail:vmail $DV/mail $DV/sieve
  dovecot -c $DV/dovecot.conf
  wait_port 127.0.0.1 $LMTP_PORT
}
dovecot_down() { doveadm -c $DV/dovecot.conf stop 2>/dev/null || stop_pid dovecot $(cat $DV/base/master.pid 2>/dev/null); }
