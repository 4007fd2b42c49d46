//! The provider table. Each entry cites where its codes come from; the wording quoted is the
//! provider's own reply text.

use super::Provider;
use crate::Cause::*;

/// Every provider with rules, in no particular order (markers do not overlap).
pub static PROVIDERS: &[Provider] = &[
    // Orange / Wanadoo (France): replies end in "OFR..._NNN [NNN]"; the number is the error code
    // of Orange's postmaster page, and the reply text states it ("Mail rejete. Mail rejected.",
    // "Client host blocked for spamming issues", "Service refused, please try later").
    Provider {
        name: "orange",
        markers: &["orange.fr", "wanadoo.fr", "mwinf", "ofr_", "ofr0"],
        rules: &[
            ("[102]", Blocked),
            ("[103]", Blocked),
            ("[506]", SpamDetected),
            ("[505]", SystemError),
            ("[999]", Blocked),
        ],
    },
    // La Poste (France): codes "LPNnnn_nnn"; text of the same replies: "Invalid recipient"
    // (416), "The recipient account is blocked" (426), "Service refused" (107/108), "Client
    // host rejected" with a policy number (630).
    Provider {
        name: "laposte",
        markers: &["laposte.net", "lpn0"],
        rules: &[
            ("_416", UserUnknown),
            ("_426", Suspend),
            ("_107", Blocked),
            ("_108", Blocked),
            ("_630", PolicyViolation),
        ],
    },
    // Tencent QQ Mail: "Ip frequency limited", "Connection frequency limited" (help page
    // service.mail.qq.com id=20022): too many connections or messages from one IP.
    Provider {
        name: "tencent",
        markers: &["qq.com", "mail.qq"],
        rules: &[
            ("frequency limited", TooManyConn),
            ("mailbox not found", UserUnknown),
        ],
    },
    // GoDaddy (secureserver.net): "IB607 ... has sent to too many recipients this hour"
    // (x.co/rlbounce, GoDaddy's bounce code list: IB607 = hourly recipient limit).
    Provider {
        name: "godaddy",
        markers: &["secureserver.net", "x.co/rlbounce", "ib607"],
        rules: &[
            ("ib607", Speeding),
            ("too many recipients this hour", Speeding),
        ],
    },
    // Yahoo: "[TSS04] ... temporarily deferred due to unexpected volume or user complaints"
    // (postmaster.yahooinc.com/error-codes: reputation); "This user doesn't have a yahoo.com
    // account" (the address does not exist).
    Provider {
        name: "yahoo",
        markers: &[
            "yahoo.com",
            "yahoodns.net",
            "yahooinc.com",
            "verizonmedia.com",
            "delivery error: dd ",
        ],
        rules: &[
            ("[tss04]", BadReputation),
            ("[tss09]", BadReputation),
            ("this user doesn't have a", UserUnknown),
        ],
    },
    // Facebook: "RCP-P2 ... Refused due to recipient preferences" (postmaster.facebook.com
    // response codes): the recipient's own settings.
    Provider {
        name: "facebook",
        markers: &["facebook.com"],
        rules: &[("rcp-p2", Filtered), ("rcp-p1", UserUnknown)],
    },
    // Cox: "AUP#CDRBL" (cox.com email error codes: the sending IP is on Cox's blocklist).
    Provider {
        name: "cox",
        markers: &["cox.net", "cox.com"],
        rules: &[("cdrbl", Blocked), ("rrbl", Blocked)],
    },
    // Mimecast: "554 Host network not allowed" (Mimecast SMTP error codes: the sender's network
    // is refused by the recipient's policy).
    Provider {
        name: "mimecast",
        markers: &["mimecast"],
        rules: &[("host network not allowed", PolicyViolation)],
    },
    // KDDI au (ezweb.ne.jp, au.com): "550 <address>: User unknown" answers RCPT for a missing
    // mailbox; "550 : User unknown", with the address left empty, is what its servers say after
    // DATA when the recipient's own reception filter (domain/address designation) refuses.
    Provider {
        name: "kddi",
        markers: &["ezweb.ne.jp", "au.com", "auone-net.jp"],
        rules: &[
            ("550 : user unknown", Filtered),
            ("550: : user unknown", Filtered),
            ("user unknown", UserUnknown),
            ("recipient address rejected", UserUnknown),
        ],
    },
    // Microsoft Exchange Online / Outlook.com: enhanced codes with a component name, e.g.
    // "5.1.10 RESOLVER.ADR.RecipientNotFound" (Exchange NDR reference: the recipient does not
    // exist; Microsoft uses 5.1.10 for it, not for null MX), and Outlook.com's "550 Requested
    // action not taken: mailbox unavailable" for a missing mailbox.
    Provider {
        name: "microsoft",
        markers: &[
            "outlook.com",
            "hotmail",
            "resolver.adr.",
            "protection.outlook",
            "live.com",
        ],
        rules: &[
            ("resolver.adr.recipientnotfound", UserUnknown),
            ("resolver.adr.exrecipnotfound", UserUnknown),
            (
                "requested action not taken: mailbox unavailable",
                UserUnknown,
            ),
        ],
    },
    // Microsoft Exchange Server 2003 NDRs: "The recipient name is not recognized" with an
    // "MSEXCH:IMS:..." diagnostic (Exchange 2003 NDR text for an unknown recipient).
    Provider {
        name: "exchange2003",
        markers: &["msexch:"],
        rules: &[("the recipient name is not recognized", UserUnknown)],
    },
    // Verizon Wireless SMS gateways (vtext.com, vzwpix.com): "550 - Requested action not taken:
    // no such user here" for a number that has no messaging account.
    Provider {
        name: "verizon",
        markers: &["vtext.com", "vzwpix.com"],
        rules: &[("no such user", UserUnknown)],
    },
    // Spectrum / Charter: "AUP#In-1310" (spectrum.net "understanding email error codes": 1310 =
    // the sending IP exceeded its connection limit).
    Provider {
        name: "spectrum",
        markers: &["spectrum.net", "charter.net"],
        rules: &[("aup#in-1310", TooManyConn), ("aup#1310", TooManyConn)],
    },
];
