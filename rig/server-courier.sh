# Courier MTA 1.0 from Debian, in a chroot (courier-mta would remove postfix on the host)
C=$CHROOTS/courier
server_up() {
  chroot_for courier courier-mta
  local E=$C/etc/courier
  echo courier.rig.test > $E/me; echo courier.rig.test > $E/defaultdomain; echo rig.test > $E/locals
  echo ": [127.0.0.1],$SINK_PORT" > $E/esmtproutes       # everything, bounces too, to the sink
  echo 1m > $E/queuetime; echo 20s > $E/warntime         # expire deferrals after a minute
  echo 5s > $E/retryalpha; echo 5s > $E/retrygamma; echo 1 > $E/retrybeta; echo 1 > $E/retrymaxdelta
  sed -i -e 's/^PORT=.*/PORT=127.0.0.1.'$MTA_PORT'/' -e 's/^ADDRESS=.*/ADDRESS=127.0.0.1/' -e 's/^ESMTPDSTART=.*/ESMTPDSTART=YES/' $E/esmtpd
  grep -q '^ADDRESS=' $E/esmtpd || echo ADDRESS=127.0.0.1 >> $E/esmtpd
  sed -i 's/^PORT=127.0.0.1./PORT=/' $E/esmtpd
  mkdir -p $C/run/courier
  grep -q '^opt BOFHCHECKDNS=0' $E/bofh 2>/dev/null || echo 'opt BOFHCHECKDNS=0' >> $E/bofh   # no DNS on loopback
  chroot $C sh -c 'makesmtpaccess; makealiases; makeacceptmailfor; makehosteddomains' || true
  # root has no CAP_DAC_OVERRIDE in this container: give the queue to courier's own user
  chroot $C sh -c 'chown -R courier:courier /var/lib/courier /run/courier; courier start; esmtpd start'
  wait_port 127.0.0.1 $MTA_PORT 20
}
server_down() { chroot $C sh -c 'esmtpd stop; courier stop' || true; }
SEND="--port $MTA_PORT"
WAIT="hardmix:failed,grey:delayed,grey:failed,tempfull:failed,tempfail:failed,toobig:failed"
TIMEOUT=180
