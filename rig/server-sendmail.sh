# Sendmail 8.17 from Debian, in a chroot (sendmail-bin would remove postfix on the host)
C=$CHROOTS/sendmail
server_up() {
  chroot_for sendmail sendmail-bin sendmail-cf m4 make
  grep -q sendmail.rig.test $C/etc/hosts || echo "127.0.0.1 sendmail.rig.test sendmail" >> $C/etc/hosts
  sed -e "s#@MTA_PORT@#$MTA_PORT#g" -e "s#@SINK_PORT@#$SINK_PORT#g" $RIG_SRC/conf/sendmail.mc.in > $C/etc/mail/rig.mc
  chroot $C sh -c 'm4 /etc/mail/rig.mc > /etc/mail/rig.cf'
  rm -f $C/var/spool/mqueue/* 2>/dev/null || true
  # root has no CAP_DAC_OVERRIDE in this container: the queue must be root's own
  chown root:root $C/var/spool/mqueue; chmod 0700 $C/var/spool/mqueue; mkdir -p $C/var/lib/sendmail/host_status
  chroot $C /usr/sbin/sendmail -bd -q5s -C /etc/mail/rig.cf
  wait_port 127.0.0.1 $MTA_PORT 20
}
server_down() { stop_pid sendmail $(head -1 $C/run/sendmail-rig.pid 2>/dev/null); }
SEND="--port $MTA_PORT"
WAIT="hardmix:failed,grey:delayed,grey:failed,tempfull:failed,tempfail:failed,toobig:failed"
TIMEOUT=180
