# OpenSMTPD 6.8 from Debian, in a chroot (the package would remove postfix on the host)
C=$CHROOTS/opensmtpd
server_up() {
  chroot_for opensmtpd opensmtpd
  sed -e "s#@MTA_PORT@#$MTA_PORT#g" -e "s#@SINK_PORT@#$SINK_PORT#g" $RIG_SRC/conf/smtpd.conf.in > $C/etc/smtpd-rig.conf
  echo opensmtpd.rig.test > $C/etc/mailname
  chroot $C smtpd -n -f /etc/smtpd-rig.conf
  setsid chroot $C smtpd -d -f /etc/smtpd-rig.conf > $RUN/opensmtpd.log 2>&1 < /dev/null & echo $! > $RUN/opensmtpd.pid
  wait_port 127.0.0.1 $MTA_PORT
}
server_down() { stop_pid opensmtpd $(cat $RUN/opensmtpd.pid 2>/dev/null); }
SEND="--port $MTA_PORT"
# OpenSMTPD reports expiry as a second "Action: delayed" DSN
WAIT="hardmix:failed,toobig:failed,dsnparams:relayed,grey-delayed-4.4.7,tempfail-delayed-4.4.7,tempfull-delayed-4.4.7"
TIMEOUT=100
