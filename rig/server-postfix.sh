# Postfix 3.7 from Debian, on the host (sourced by run.sh)
PF=$RUN/postfix
postfix_up() {
  dpkg -s postfix >/dev/null 2>&1 || { with_policy_rc /; apt-get install -y postfix; }
  mkdir -p $PF/etc $PF/queue $PF/data
  for f in main.cf master.cf; do
    sed -e "s#@RUN@#$PF#g" -e "s#@ETC@#$PF/etc#g" -e "s#@MTA_PORT@#$MTA_PORT#g" -e "s#@SINK_PORT@#$SINK_PORT#g" \
        -e "s#@LMTP_PORT@#$LMTP_PORT#g" $RIG_SRC/conf/postfix-$f.in > $PF/etc/$f
  done
  chown postfix:postfix $PF/data
  script -qec "postfix -c $PF/etc check" /dev/null
  postfix -c $PF/etc status 2>/dev/null && postfix -c $PF/etc reload || script -qec "postfix -c $PF/etc start" /dev/null
  wait_port 127.0.0.1 $MTA_PORT
}
postfix_down() { postfix -c $PF/etc stop 2>/dev/null || true; }
server_up() { postfix_up; }
server_down() { postfix_down; }
SEND="--port $MTA_PORT"
WAIT="hardmix:failed,grey:delayed,grey:failed,tempfull:failed,tempfail:failed,dsnparams:relayed,toobig:failed"
TIMEOUT=150
