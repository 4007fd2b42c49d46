# Haraka 3 from npm (installed under $RUN/haraka-npm), relaying outbound to the scripted server
H=$RUN/haraka
server_up() {
  [ -x $RUN/haraka-npm/node_modules/.bin/haraka ] || (mkdir -p $RUN/haraka-npm && cd $RUN/haraka-npm && npm install --no-audit --no-fund Haraka)
  rm -rf $H; mkdir -p $H; cp -r $RIG_SRC/conf/haraka/* $H/
  sed "s/@MTA_PORT@/$MTA_PORT/" $H/config/smtp.ini.in > $H/config/smtp.ini
  mkdir -p $H/queue
  RIG_SINK_PORT=$SINK_PORT setsid nice $RUN/haraka-npm/node_modules/.bin/haraka -c $H > $RUN/haraka.log 2>&1 < /dev/null & echo $! > $RUN/haraka.pid
  wait_port 127.0.0.1 $MTA_PORT 30
}
server_down() { stop_pid haraka $(cat $RUN/haraka.pid 2>/dev/null); }
SEND="--port $MTA_PORT"
WAIT="hardmix,grey,tempfull,tempfail,toobig"; TIMEOUT=120
