# Shared settings for the real-server fixture rig. Source me.
RIG_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${RIG_RUN:-/tmp/rebound-rig13}          # disposable runtime state
CHROOTS=${RIG_CHROOTS:-/tmp/rebound-chroots} # Debian chroots for MTAs that conflict with postfix
SINK_PORT=${SINK_PORT:-2826}                 # scripted remote server + bounce collector
MTA_PORT=${MTA_PORT:-2725}                   # MTA under test (127.0.0.1 only)
LMTP_PORT=${LMTP_PORT:-2724}                 # dovecot lmtp
FIXTURES=${FIXTURES:-$RIG_SRC/../fixtures/mta}
PY=${PY:-/usr/bin/python3}                           # needs aiosmtpd (Debian python3-aiosmtpd)
export DEBIAN_FRONTEND=noninteractive
wait_port() { for i in $(seq 1 $(( ${3:-10} * 10 ))); do (exec 3<>/dev/tcp/$1/$2) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1:$2 not up" >&2; return 1; }
stop_pid() { [ -n "${2:-}" ] && kill -0 "$2" 2>/dev/null || return 0; kill -TERM "$2"; for i in $(seq 50); do kill -0 "$2" 2>/dev/null || return 0; sleep 0.2; done; kill -KILL "$2"; }
sink_up() {
  mkdir -p $RUN/collect
  if [ -f $RUN/sink.pid ] && kill -0 $(cat $RUN/sink.pid) 2>/dev/null; then return; fi
  nohup nice $PY $RIG_SRC/sink.py --port $SINK_PORT --collect $RUN/collect --log $RUN/sink.log > $RUN/sink.out 2>&1 &
  echo $! > $RUN/sink.pid; wait_port 127.0.0.1 $SINK_PORT
}
sink_down() { stop_pid sink $(cat $RUN/sink.pid 2>/dev/null); rm -f $RUN/sink.pid; }
# no daemon may start during apt installs (no systemd here; others' daemons run on this host)
with_policy_rc() { printf '#!/bin/sh\nexit 101\n' > ${1}/usr/sbin/policy-rc.d; chmod +x ${1}/usr/sbin/policy-rc.d; }
# a Debian bookworm chroot with PKGS installed, for servers whose packages conflict with postfix
chroot_for() { # name pkgs...
  local n=$1 d=$CHROOTS/$1; shift
  if [ ! -x $d/usr/bin/apt-get ]; then
    command -v debootstrap >/dev/null || apt-get install -y debootstrap
    mkdir -p $CHROOTS; nice debootstrap --variant=minbase --include=python3,procps bookworm $d http://deb.debian.org/debian
  fi
  with_policy_rc $d; cp /etc/resolv.conf $d/etc/resolv.conf
  mountpoint -q $d/proc || mount -t proc proc $d/proc
  chroot $d dpkg -s "$@" >/dev/null 2>&1 || chroot $d env DEBIAN_FRONTEND=noninteractive nice apt-get install -y --no-install-recommends "$@"
}
