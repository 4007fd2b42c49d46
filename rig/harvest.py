#!/usr/bin/env python3
"""Move the notices sink.py collected into fixtures/mta/<server>/<case>-<action>-<status>.eml
and write their expected records (score-mta format) to fixtures/mta/<server>/expected.jsonl.

The labels come from what the scripted server answered each recipient (sink.py RULES, or the
--truth table for servers that answer themselves, e.g. Dovecot LMTP), never from a parser:
the notice's DSN part (if any) is read only to know which recipients it reports and whether it
says delayed, failed or relayed.

usage: harvest.py --server NAME --collect DIR --out FIXTURES/mta [--truth FILE.json]
                  [--wait "case:kind,..." --timeout S]
"""
import argparse, email, email.policy, json, os, re, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink import RULES  # noqa: E402
from send import MATRIX  # noqa: E402

# cause -> (type, reason) for a final permanent refusal (POLICY.md)
FINAL = {"userunknown": ("hard", "unknown_user"), "hostunknown": ("hard", "unknown_user"),
         "mailboxfull": ("hard", "mailbox_full"), "suspend": ("hard", "other"),
         "spamdetected": ("hard", "spam"), "blocked": ("hard", "spam"),
         "norelaying": ("hard", "policy"), "authfailure": ("soft", "sender_not_authorized"),
         "virusdetected": ("hard", "content"), "mesgtoobig": ("hard", "content")}
# temporary refusals: the reason while still trying and after expiry
TEMP = {"grey": "security_filter", "tempfull": "recipient_unavailable", "tempfail": "recipient_unavailable"}
EXPIRY = re.compile(r"expired|too long|gave up|giving up|retry time|timeout|lifetime|could not be delivered"
                    r"|delivery (time|period)|failed permanently|undeliverable|permanent", re.I)
DELAY = re.compile(r"delay|warning|not (yet )?been delivered|still (being )?(re)?tr|will (continue|keep)", re.I)


def truth(local, table):
    if local in table:
        t = table[local]
        return t.get("reply", "5"), t.get("cause")
    r = RULES.get(local)
    return (r[1], r[2]) if r else (None, None)


def dsn_blocks(m):
    out = []
    for part in m.walk():
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            pl = part.get_payload()
            blocks = pl if isinstance(pl, list) else [email.message_from_string(str(pl))]
            if len(blocks) == 1 and not isinstance(pl, list):  # per-recipient groups after a blank line
                blocks = [email.message_from_string(b) for b in re.split(r"\r?\n\r?\n", str(pl)) if b.strip()]
            for b in blocks:
                if b.get("Final-Recipient") or b.get("Original-Recipient"):
                    rc = (b.get("Final-Recipient") or b.get("Original-Recipient")).split(";")[-1].strip().strip("<>")
                    act = re.sub(r"[^a-z].*", "", (b.get("Action") or "").strip().lower())
                    diag = (b.get("Diagnostic-Code") or "").lower()
                    named = re.findall(r"<([^<>@\s]+@[^<>\s]+)>", diag)
                    if named and rc.lower() not in named:
                        continue  # reported with another recipient's refusal (the server gave up the whole message)
                    out.append((rc.lower(), act, (b.get("Status") or "").strip()))
    return out


def label(server, name, raw, table):
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    to = m.get("X-Rig-Rcpt-To", "")
    case = re.search(r"bounce\+([a-z0-9]+)@", to).group(1)
    text = raw.decode("utf-8", "replace")
    blocks = dsn_blocks(m)
    rcpts = [f"{l}@remote.test" for l in MATRIX.get(case, [])] + [f"{l}@lmtp.test" for l in MATRIX.get(case, [])]
    if blocks:
        reported = [(r, a, s) for r, a, s in blocks]
    else:  # prose notice: the recipients of this case the notice names before the quoted original
        body = text.split("\n\n", 1)[-1] if "\r\n\r\n" not in text else text.split("\r\n\r\n", 1)[-1]
        cut = [i for i in (body.find("From: Rig Sender"), body.find("Subject: rig ")) if i >= 0]
        text = body[:min(cut)] if cut else body
        subj = str(m.get("Subject", ""))
        kind = "delayed" if DELAY.search(subj) and not EXPIRY.search(subj) else "failed"
        reported = [(r, kind, "") for r in rcpts if r in text.lower() and truth(r.split("@")[0], table)[0]]
        if case == "dsnparams" and not reported:
            reported = [("ok@remote.test", "relayed", "")] if re.search(r"success|deliver|relay", subj, re.I) else []
    recs = []
    for r, action, status in reported:
        local = r.split("@")[0].split("+")[0]
        reply, cause = truth(local, table)
        rec = dict(file=f"{server}/{name}", recipient=r)
        if local == "ok" and action in ("failed", "delayed"):
            continue  # the server gave up on a recipient the remote accepted (nullmailer fails the whole message on one refusal): no truth to label
        if local in table and "type" in table[local]:  # a server's own refusal, labelled in full
            rec.update({k: table[local][k] for k in ("status", "reply_code", "cause", "type", "reason")})
        elif action in ("relayed", "delivered", "expanded") or (local == "ok" and reply is None):
            rec.update(status=None, reply_code=None, cause="delivered", type="none", reason=None)
        elif reply is None:
            continue
        elif reply[0] == "5":
            st = reply.split()[1]
            rec.update(status=st, reply_code=reply[:3], cause=cause, type=FINAL[cause][0], reason=FINAL[cause][1])
        else:  # temporary refusal: pending, or expired
            expired = action == "failed" or re.match(r"returned mail", str(m.get("Subject", "")), re.I) or status.startswith("4.4.7") or status.startswith("5") \
                or (action == "delayed" and re.search(r"expired|too long|giving up", text, re.I) and not blocks_say_delay(text))
            reason = TEMP.get(local, table.get(local, {}).get("reason", "temporary_failure"))
            if not expired:
                rec.update(status=reply.split()[1], reply_code=reply[:3], cause=None, type="pending", reason=reason)
            else:
                said = reply.split()[1] in text or reply.split(" ", 2)[2][:25] in text
                rec.update(status=None, reply_code=reply[:3] if said else None, cause="expired", type="soft",
                           reason=reason if said else "temporary_failure")
        recs.append(rec)
    act = "+".join(sorted({a for _, a, _ in reported})) or "noreport"
    st = "+".join(sorted({s for _, _, s in reported if s})) or "na"
    return case, f"{case}-{act}-{st}", recs


def blocks_say_delay(text):
    return bool(re.search(r"will (continue|keep) (to )?(try|retry)|still (being )?retr", text, re.I))


def strip_rig_headers(raw):
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    lines = [l for l in re.split(rb"(?<=\n)", head) if not l.lower().startswith(b"x-rig-mail-from:")
             and not l.lower().startswith(b"x-rig-rcpt-to:")]
    return b"".join(lines) + sep + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--collect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--wait", default="")
    ap.add_argument("--timeout", type=float, default=0)
    a = ap.parse_args()
    table = json.load(open(a.truth)) if a.truth else {}
    outdir = os.path.join(a.out, a.server)
    os.makedirs(outdir, exist_ok=True)
    want = [w for w in a.wait.split(",") if w]
    got, t0 = set(), time.time()
    while True:
        for fn in sorted(f for f in os.listdir(a.collect) if f.endswith(".eml")):
            src = os.path.join(a.collect, fn)
            raw = open(src, "rb").read()
            case, base, recs = label(a.server, "x", raw, table)
            name, i = base + ".eml", 2
            while os.path.exists(os.path.join(outdir, name)):
                name, i = f"{base}-{i}.eml", i + 1
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(strip_rig_headers(raw))
            os.remove(src)
            with open(os.path.join(outdir, "expected.jsonl"), "a") as f:
                for r in recs:
                    r["file"] = f"{a.server}/{name}"
                    f.write(json.dumps(r) + "\n")
            kinds = {base.split("-")[1]}
            got |= {f"{case}:{k}" for k in kinds} | {case, base}
            print(f"{time.time()-t0:6.1f}s {a.server}/{name} records={len(recs)}", flush=True)
        missing = [w for w in want if w not in got]
        if not missing or time.time() - t0 > a.timeout:
            break
        time.sleep(2)
    if missing:
        print("still missing:", missing)


if __name__ == "__main__":
    main()
