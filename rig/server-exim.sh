# Exim 4.96 from Debian, in a chroot (exim4-daemon-light would remove postfix on the host)
C=$CHROOTS/exim; EXIM_TEMPLATES=${EXIM_TEMPLATES:-}; EXIM_FILES=${EXIM_FILES:-}
server_up() {
  chroot_for exim exim4-daemon-light
  sed -e "s#@MTA_PORT@#$MTA_PORT#g" -e "s#@SINK_PORT@#$SINK_PORT#g" -e "s#@TEMPLATES@#$EXIM_TEMPLATES#" \
      $RIG_SRC/conf/exim4.conf.in > $C/etc/exim4/exim4.conf
  for f in $EXIM_FILES; do cp $RIG_SRC/conf/$f $C/etc/exim4/; done
  rm -rf $C/var/spool/exim4/input/* $C/var/spool/exim4/db/*
  chroot $C exim4 -bV >/dev/null
  chroot $C exim4 -bd -q5s -oP /run/exim-rig.pid
  wait_port 127.0.0.1 $MTA_PORT
}
server_down() { stop_pid exim $(cat $C/run/exim-rig.pid 2>/dev/null); }
SEND="--port $MTA_PORT"
WAIT="hardmix:failed,grey:delayed,grey:failed,tempfull:failed,tempfail:failed,dsnparams:delivered,toobig:failed"
TIMEOUT=150
