# DragonFly Mail Agent 0.13 from Debian, in a chroot (conflicts with postfix). dma has no SMTP
# listener: the matrix is submitted with its sendmail command; it relays to the scripted server
# and mails its bounce to the sender through the same smarthost. Its retry time is compiled in
# (days), so only the permanent cases are run.
C=$CHROOTS/dma
server_up() {
  chroot_for dma dma
  echo dma.rig.test > $C/etc/mailname
  printf 'SMARTHOST 127.0.0.1\nPORT %s\nMAILNAME dma.rig.test\nNULLCLIENT\n' $SINK_PORT > $C/etc/dma/dma.conf
  rm -f $C/var/spool/dma/* 2>/dev/null || true
}
server_down() { :; }
printf '#!/bin/sh\nexec chroot %s /usr/sbin/dma "$@"\n' $C > $RUN/dma-sendmail; chmod +x $RUN/dma-sendmail
SEND="--cmd $RUN/dma-sendmail"
CASES=hardmix,unknown,nodomain,full,disabled,spam,blocked,relay,dmarc,spamdata,virus,toobig
WAIT="hardmix,unknown,toobig"; TIMEOUT=60
