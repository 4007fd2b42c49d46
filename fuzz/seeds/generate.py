#!/usr/bin/env python3
"""Writes the fuzz seeds: small inputs written for this repository (no corpus files), one
directory per target. Run from anywhere; rewrites fuzz/seeds/<target>/."""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def mail(subject, body, sender="MAILER-DAEMON@mx.send.test", extra="", ctype="text/plain; charset=us-ascii"):
    return (
        f"From: {sender}\nTo: bounces+abc@bounce.test\nSubject: {subject}\n"
        f"Date: Mon, 7 Dec 2026 10:00:00 +0000\nMessage-ID: <n1@mx.send.test>\n{extra}"
        f"MIME-Version: 1.0\nContent-Type: {ctype}\n\n{body}"
    )


ORIGINAL = "Message-ID: <orig-1@app.test>\nFrom: app@app.test\nTo: bob@rcpt.test\nSubject: hello\n"


def dsn(status="5.1.1", action="failed", diag="smtp; 550 5.1.1 <bob@rcpt.test>: user unknown",
        human="Your message could not be delivered.\n", rcpts=("bob@rcpt.test",), orig="message/rfc822"):
    fields = "".join(
        f"\nFinal-Recipient: rfc822; {r}\nOriginal-Recipient: rfc822;{r}\nAction: {action}\n"
        f"Status: {status}\nRemote-MTA: dns; mx.rcpt.test\nDiagnostic-Code: {diag}\n"
        for r in rcpts
    )
    body = (
        "This is a MIME-encapsulated message.\n\n--B1\nContent-Type: text/plain\n\n" + human +
        "\n--B1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.send.test\n"
        "Arrival-Date: Mon, 7 Dec 2026 09:59:00 +0000\n" + fields +
        f"\n--B1\nContent-Type: {orig}\n\n" + ORIGINAL + "\nbody\n--B1--\n"
    )
    return mail("Undelivered Mail Returned to Sender", body,
                ctype='multipart/report; report-type=delivery-status; boundary="B1"')


SEEDS = {
    "rfc3464.eml": dsn(),
    "rfc3464-delayed.eml": dsn("4.4.1", "delayed", "smtp; 451 4.4.1 try again later"),
    "rfc3464-two.eml": dsn(rcpts=("bob@rcpt.test", "carol@rcpt.test")),
    "rfc3464-headers.eml": dsn(orig="text/rfc822-headers", diag="X-Unix; mailbox full"),
    "postfix.eml": mail("Undelivered Mail Returned to Sender",
        "This is the mail system at host mx.send.test.\n\nI'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n                   The mail system\n\n"
        "<bob@rcpt.test>: host mx.rcpt.test[192.0.2.1] said: 550 5.1.1 <bob@rcpt.test>:\n"
        "    Recipient address rejected: User unknown (in reply to RCPT TO command)\n"),
    "postfix-unavailable.eml": mail("Undelivered Mail Returned to Sender",
        "--- Delivery report unavailable ---\n\n<bob@rcpt.test>: 552 5.2.2 mailbox full\n"),
    "qmail.eml": mail("failure notice",
        "Hi. This is the qmail-send program at mx.send.test.\nI'm afraid I wasn't able to deliver your message "
        "to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        "<bob@rcpt.test>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 no such user\n"
        "Giving up on 192.0.2.1.\n\n--- Below this line is a copy of the message.\n\n" + ORIGINAL),
    "exim.eml": mail("Mail delivery failed: returning message to sender",
        "This message was created automatically by mail delivery software.\n\nA message that you sent could not be "
        "delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
        "  bob@rcpt.test\n    host mx.rcpt.test [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<bob@rcpt.test>:\n"
        "    550 5.1.1 user unknown\n\n------ This is a copy of the message, including all the headers. ------\n\n" + ORIGINAL,
        sender="Mail Delivery System <Mailer-Daemon@mx.send.test>"),
    "sendmail.eml": mail("Returned mail: see transcript for details",
        "The original message was received at Mon, 7 Dec 2026 10:00:00 +0000\nfrom localhost [127.0.0.1]\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n<bob@rcpt.test>\n"
        "    (reason: 550 5.1.1 <bob@rcpt.test>... User unknown)\n\n   ----- Transcript of session follows -----\n"
        "... while talking to mx.rcpt.test.:\n>>> RCPT To:<bob@rcpt.test>\n<<< 550 5.1.1 <bob@rcpt.test>... User unknown\n"
        "550 5.1.1 <bob@rcpt.test>... User unknown\n"),
    "exchange.eml": mail("Undeliverable: hello",
        "Delivery has failed to these recipients or groups:\n\nbob@rcpt.test\nThe email address you entered couldn't be found.\n\n"
        "Diagnostic information for administrators:\n\nGenerating server: mx.send.test\n\nbob@rcpt.test\n"
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n"),
    "gmail.eml": mail("Delivery Status Notification (Failure)",
        "** Address not found **\n\nYour message wasn't delivered to bob@rcpt.test because the address couldn't be found.\n\n"
        "The response was:\n\n550 5.1.1 The email account that you tried to reach does not exist.\n",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>"),
    "domino.eml": mail("DELIVERY FAILURE: User bob not listed",
        "Your message\n\n  Subject: hello\n\nwas not delivered to:\n\n  bob@rcpt.test\n\nbecause:\n\n  User bob (bob@rcpt.test) not listed in Domino Directory\n"),
    "notes.eml": mail("Undeliverable message",
        "------- Failure Reasons  --------\n\nUser not listed in public Name & Address Book\nbob@rcpt.test\n\n------- Returned Message --------\n" + ORIGINAL),
    "biglobe.eml": mail("Returned mail: User unknown",
        "   ----- The following addresses had delivery problems -----\n<bob@rcpt.test>\n\n   ----- Non-delivered information -----\nThe number of messages in recipient's mailbox exceeded the local limit.\n"),
    "kddi.eml": mail("Mail System Error - Returned Mail",
        "Your mail sent on: Mon, 7 Dec 2026 10:00:00 +0000\n  Could not be delivered to: <bob@rcpt.test>\n  As their mailbox is full.\n"),
    "verizon.eml": mail("Undeliverable Message",
        "Message could not be delivered to mobile.\nAddresses failed: bob@rcpt.test\n"),
    "x3.eml": mail("Delivery failure", "Delivery failed for the following reason:\nServer mx.rcpt.test[192.0.2.1] failed with: 550 no such user\n\n====\n<bob@rcpt.test>\n"),
    "einsundeins.eml": mail("Mail delivery failed",
        "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered.\n\n"
        "--- The following addresses had delivery problems ---\n\n<bob@rcpt.test>\n\n--- Delivery report unavailable ---\nMail size limit exceeded. For explanation visit\n"),
    "mailfoundry.eml": mail("Message delivery has failed",
        "Delivery failed for the following reason:\nServer mx.rcpt.test[192.0.2.1] failed with: 550 <bob@rcpt.test> No such user here\n"),
    "interscan.eml": mail("Mail could not be delivered",
        "****** Message from InterScan Messaging Security Suite ******\n\nSent <<< RCPT TO:<bob@rcpt.test>\nReceived >>> 550 5.1.1 <bob@rcpt.test>... User unknown\n\nUnable to deliver message to <bob@rcpt.test>.\n"),
    "apachejames.eml": mail("[BOUNCE]",
        "Hi. This is the James mail server at mx.send.test.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
        "Failed recipient(s):\nbob@rcpt.test\n\nError message below:\n550 - Requested action not taken: no such user here\n\nMessage details:\n  Subject: hello\n"),
    "dragonfly.eml": mail("Mail delivery failed",
        "This is the DragonFly Mail Agent v0.13 at mx.send.test.\n\nThere was an error delivering your mail to <bob@rcpt.test>.\n\n"
        "mx.rcpt.test [192.0.2.1] did not like our RCPT TO:\n550 5.1.1 <bob@rcpt.test>: Recipient address rejected: User unknown\n"),
    "amazonses.eml": mail("Delivery Status Notification (Failure)",
        '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
        '"bouncedRecipients":[{"emailAddress":"bob@rcpt.test","action":"failed","status":"5.1.1",'
        '"diagnosticCode":"smtp; 550 5.1.1 user unknown"}]},"mail":{"messageId":"orig-1"}}\n',
        sender="no-reply@amazonses.com"),
    "arf.eml": mail("Complaint", "This is an email abuse report.\n\n--A1\nContent-Type: text/plain\n\nA complaint.\n\n"
        "--A1\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: fbl/1.0\nVersion: 1\n"
        "Original-Rcpt-To: bob@rcpt.test\n\n--A1\nContent-Type: message/rfc822\n\n" + ORIGINAL + "\nbody\n--A1--\n",
        ctype='multipart/report; report-type=feedback-report; boundary="A1"'),
    "autoreply.eml": mail("Out of office: hello", "I am away until Monday.\n", sender="bob@rcpt.test",
        extra="Auto-Submitted: auto-replied\nIn-Reply-To: <orig-1@app.test>\n"),
    "textscan.eml": mail("Delivery failure", "<u1@x.test>: 550 5.1.1 user unknown\n<u2@x.test>: 552 5.2.2 mailbox full\n"
        "u3@x.test... 421 4.7.0 try again later\n"),
    "encoded.eml": mail("=?UTF-8?B?w4ljaGVj?=", "PHU0QHgudGVzdD46IDU1MCA1LjEuMSB1c2VyIHVua25vd24K\n",
        extra="Content-Transfer-Encoding: base64\n", ctype="text/plain; charset=utf-8"),
    "nested.eml": mail("Returned", "--O\nContent-Type: multipart/mixed; boundary=\"I\"\n\n--I\nContent-Type: text/plain;"
        " charset=iso-2022-jp\nContent-Transfer-Encoding: quoted-printable\n\n<bob@rcpt.test>: 550=205.1.1 unknown\n--I--\n--O--\n",
        ctype='multipart/mixed; boundary="O"'),
    "empty.eml": "",
}

SMTP = {
    "session.txt": "EHLO mx.send.test\r\nMAIL FROM:<> SIZE=1000 BODY=8BITMIME\r\nRCPT TO:<bounces+abc@bounce.test>\r\n"
                   "DATA\r\nSubject: x\r\n\r\n..line\r\n.\r\nQUIT\r\n",
    "data.txt": ".\r\n",
    "smuggle.txt": "a\n.\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\nb\r\n.\n\r\nc\r\n.\r\n",
    "helo.txt": "helo  mx.test \r\nRSET\r\nNOOP\r\nVRFY x\r\nSTARTTLS\r\nrcpt to: <a@b> NOTIFY=FAILURE ORCPT=rfc822;a@b\r\n",
    "utf8.txt": "MAIL FROM:<δοκιμή@bounces.localhost> SMTPUTF8\r\nRCPT TO:<\xe2\x82\xac\r\n\r\r\n.\r\n",
}

POLICY = {
    "rows.toml": 'name = "strict"\n\n[causes]\nmailboxfull = { final = "hard/mailbox_full", trying = "pending/recipient_unavailable" }\n'
                 'expired     = { final = "soft/temporary_failure", trying = "soft/temporary_failure" }\n'
                 'blocked = { final = "hard/spam", trying = "pending/security_filter" }\n\n[suppress_days]\ncontent = 30\nspam = 0\n',
    "days.toml": 'name = "time-limited"\n\n[suppress_days]\ncontent = 30\nother = 4294967295\n',
    "empty.toml": "",
    "bad.toml": '[causes]\nnosuchcause = { final = "hard/x", trying = 7 }\n[suppress_days]\nspam = -1\n',
}


def write(target, seeds):
    d = HERE / target
    d.mkdir(exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    for name, text in seeds.items():
        (d / name).write_bytes(text.encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    write("parse", SEEDS)
    write("smtp", SMTP)
    write("policy", POLICY)
