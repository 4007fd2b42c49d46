# nullmailer 2.2 from Debian, in a chroot (conflicts with postfix). Submitted with its sendmail
# command; nullmailer-send relays to the scripted server, and bounces (nullmailer-dsn) go back
# through it. queuelifetime 60 s so the temporary cases expire.
C=$CHROOTS/nullmailer
server_up() {
  chroot_for nullmailer nullmailer
  echo nullmailer.rig.test > $C/etc/mailname; echo nullmailer.rig.test > $C/etc/nullmailer/me
  echo rig.test > $C/etc/nullmailer/defaultdomain
  echo "127.0.0.1 smtp --port=$SINK_PORT" > $C/etc/nullmailer/remotes
  echo 60 > $C/etc/nullmailer/queuelifetime; echo 10 > $C/etc/nullmailer/pausetime; echo 10 > $C/etc/nullmailer/maxpause
  echo postmaster@bounces.test > $C/etc/nullmailer/adminaddr
  rm -f $C/var/spool/nullmailer/queue/* $C/var/spool/nullmailer/failed/* 2>/dev/null || true
  [ -p $C/var/spool/nullmailer/trigger ] || { chroot $C mkfifo /var/spool/nullmailer/trigger; chroot $C chown mail:root /var/spool/nullmailer/trigger; }
  setsid chroot --userspec=mail:mail $C /usr/sbin/nullmailer-send > $RUN/nullmailer.log 2>&1 < /dev/null & echo $! > $RUN/nullmailer.pid
  sleep 1
}
server_down() { stop_pid nullmailer $(cat $RUN/nullmailer.pid 2>/dev/null); }
printf '#!/bin/sh\nexec chroot %s /usr/sbin/sendmail "$@"\n' $C > $RUN/nullmailer-sendmail; chmod +x $RUN/nullmailer-sendmail
SEND="--cmd $RUN/nullmailer-sendmail"
WAIT="hardmix,unknown,grey,tempfail,tempfull"; TIMEOUT=150
