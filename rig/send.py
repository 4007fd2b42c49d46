#!/usr/bin/env python3
"""Send the bounce test matrix through one MTA, by SMTP (--port) or by its sendmail-style
command (--cmd, e.g. "chroot /x dma"). Envelope sender bounce+<case>@bounces.test (VERP), so the
collector can tell each notice's case; recipients @remote.test are answered by sink.py's RULES.

usage: send.py --server NAME (--port N | --cmd "CMD") [--cases a,b] [--no-dsn]
"""
import argparse, shlex, smtplib, subprocess, time

R = "remote.test"
HARD = ["unknown", "nodomain", "full", "disabled", "spam", "blocked", "relay", "dmarc"]
MATRIX = {  # case -> recipients (local parts)
    "hardmix": ["ok"] + HARD,
    **{c: [c] for c in HARD},
    "spamdata": ["spamdata"], "virus": ["virus"], "toobig": ["toobig"],
    "grey": ["ok", "grey"], "tempfull": ["tempfull"], "tempfail": ["tempfail"],
    "dsnparams": ["ok", "unknown"],
    "reject": ["reject"],  # dovecot: a sieve "reject" (rejection MDN)
}


def message(server, case, rcpts, runid):
    return (f"From: Rig Sender <bounce+{case}@bounces.test>\r\nTo: {', '.join(rcpts)}\r\n"
            f"Subject: rig {server} case {case}\r\nMessage-ID: <{case}.{runid}@client.rig.test>\r\n"
            f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
            f"X-Rig-Case: {case}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"rig test body for case {case} (run {runid})\r\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--port", type=int)
    ap.add_argument("--cmd")
    ap.add_argument("--cases", default=",".join(c for c in MATRIX if c != "reject"))
    ap.add_argument("--no-dsn", action="store_true")
    ap.add_argument("--domain", default=R)
    a = ap.parse_args()
    runid = str(int(time.time()))
    for case in a.cases.split(","):
        rcpts = [f"{l}@{a.domain}" for l in MATRIX[case]]
        frm = f"bounce+{case}@bounces.test"
        msg = message(a.server, case, rcpts, runid)
        if a.cmd:
            p = subprocess.run(shlex.split(a.cmd) + ["-f", frm] + rcpts, input=msg.encode(),
                               capture_output=True)
            print(f"sent {case} via cmd rc={p.returncode} {p.stderr.decode()[:200]}")
            continue
        with smtplib.SMTP("127.0.0.1", a.port, local_hostname="client.rig.test", timeout=60) as s:
            s.ehlo("client.rig.test")
            mo, ro = [], {}
            if case == "dsnparams":
                if not s.has_extn("dsn") or a.no_dsn:
                    print("  no DSN extension: dsnparams skipped"); continue
                mo = ["RET=HDRS", f"ENVID=rig-envid-{runid}"]
                ro = {rcpts[0]: ["NOTIFY=SUCCESS,FAILURE", f"ORCPT=rfc822;{rcpts[0]}"],
                      rcpts[1]: ["NOTIFY=FAILURE,DELAY", f"ORCPT=rfc822;{rcpts[1]}"]}
            code, resp = s.mail(frm, mo)
            if code >= 300:
                print(f"  {case}: MTA refused MAIL FROM: {code} {resp.decode()[:160]}")
            ok = []
            for r in rcpts:
                c, t = s.rcpt(r, ro.get(r, []))
                if c < 300:
                    ok.append(r)
                else:
                    print(f"  {case}: MTA refused {r} at RCPT: {c} {t.decode()[:120]}")
            if ok:
                try:
                    print(f"sent {case} ->", s.data(msg))
                except smtplib.SMTPException as e:
                    print(f"  {case}: DATA refused: {e}")
            else:
                s.rset()


if __name__ == "__main__":
    main()
