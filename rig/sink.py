#!/usr/bin/env python3
"""Scripted remote SMTP server and bounce collector for the real-server fixture rig.

Every MTA under test relays all mail to this one server (127.0.0.1:$SINK_PORT):
- recipients in the bounce domain (bounces.test) are the envelope senders of the test matrix:
  whatever arrives for them (DSNs, delay warnings, rejection MDNs) is stored in --collect;
- every other recipient is answered by its local part (text before any +tag), per RULES below;
  anything not listed is accepted and discarded.
Each decision is appended to --log as one JSON line. The labels in fixtures/mta/expected.jsonl
come from RULES (rig/labels.py imports it), i.e. from what this server answered.
"""
import argparse, asyncio, json, os, time

# local part -> (phase, reply, cause, reply_code, status) ; phase rcpt|data
RULES = {
    "unknown":  ("rcpt", "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table", "userunknown"),
    "nodomain": ("rcpt", "550 5.1.2 <{rcpt}>: Recipient address rejected: Domain not found", "hostunknown"),
    "full":     ("rcpt", "552 5.2.2 <{rcpt}>: Mailbox full: user is over quota", "mailboxfull"),
    "disabled": ("rcpt", "550 5.2.1 <{rcpt}>: Mailbox disabled, not accepting messages", "suspend"),
    "spam":     ("rcpt", "554 5.7.1 <{rcpt}>: Message rejected as spam by content filter", "spamdetected"),
    "blocked":  ("rcpt", "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org", "blocked"),
    "relay":    ("rcpt", "554 5.7.1 <{rcpt}>: Relay access denied", "norelaying"),
    "dmarc":    ("rcpt", "550 5.7.26 Unauthenticated email from {sdom} is not accepted due to domain's DMARC policy. Please contact the administrator of {sdom} domain.", "authfailure"),
    "grey":     ("rcpt", "451 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, please try again in 300 seconds", "expired"),
    "tempfull": ("rcpt", "452 4.2.2 <{rcpt}>: Mailbox temporarily over quota, try again later", "expired"),
    "tempfail": ("rcpt", "421 4.3.2 Service not available, closing transmission channel", "expired"),
    "spamdata": ("data", "554 5.7.1 Message content rejected: UBE/spam detected (score 15.2)", "spamdetected"),
    "virus":    ("data", "554 5.7.1 Message rejected: virus found in message (Eicar-Test-Signature)", "virusdetected"),
    "toobig":   ("data", "552 5.3.4 Message size exceeds fixed maximum message size", "mesgtoobig"),
}


def local(addr):
    return addr.rsplit("@", 1)[0].split("+", 1)[0].lower()


class Handler:
    def __init__(self, a):
        self.a, self.n = a, 0
        os.makedirs(a.collect, exist_ok=True)

    def log(self, **kw):
        kw["t"] = round(time.time(), 3)
        with open(self.a.log, "a") as f:
            f.write(json.dumps(kw) + "\n")

    async def handle_RCPT(self, server, session, env, address, opts):
        dom = address.rsplit("@", 1)[-1].lower()
        rule = None if dom == self.a.bounce_domain else RULES.get(local(address))
        if rule and rule[0] == "rcpt":
            sdom = (env.mail_from or "@").rsplit("@", 1)[-1]
            reply = rule[1].format(rcpt=address, sdom=sdom)
            self.log(ev="rcpt", frm=env.mail_from, rcpt=address, reply=reply, peer=session.peer[0])
            if reply.startswith("421"):
                asyncio.get_running_loop().call_soon(server.transport.close)
            return reply
        env.rcpt_tos.append(address)
        self.log(ev="rcpt", frm=env.mail_from, rcpt=address, reply="250", peer=session.peer[0])
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, env):
        for r in env.rcpt_tos:
            rule = RULES.get(local(r))
            if rule and rule[0] == "data":
                self.log(ev="data", frm=env.mail_from, rcpts=env.rcpt_tos, reply=rule[1])
                return rule[1]
        if any(r.rsplit("@", 1)[-1].lower() == self.a.bounce_domain for r in env.rcpt_tos):
            self.n += 1
            name = os.path.join(self.a.collect, f"{time.time():.6f}-{self.n}.eml")
            hdr = (f"X-Rig-Mail-From: <{env.mail_from}>\r\n"
                   f"X-Rig-Rcpt-To: {', '.join('<%s>' % r for r in env.rcpt_tos)}\r\n")
            with open(name + ".tmp", "wb") as f:
                f.write(hdr.encode() + env.original_content)
            os.rename(name + ".tmp", name)
            self.log(ev="collect", frm=env.mail_from, rcpts=env.rcpt_tos, file=name)
        else:
            self.log(ev="accept", frm=env.mail_from, rcpts=env.rcpt_tos)
        return "250 2.0.0 OK queued"


def main():
    from aiosmtpd.controller import Controller
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=2826)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--bounce-domain", default="bounces.test")
    a = ap.parse_args()
    c = Controller(Handler(a), hostname="127.0.0.1", port=a.port, ident="sink.remote.test ESMTP",
                   data_size_limit=0, decode_data=False)
    c.start()
    print(f"sink on 127.0.0.1:{a.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        c.stop()


if __name__ == "__main__":
    main()
