//! The facts a bounce report states, before any policy is applied.

use serde::Serialize;

/// What a report says happened to one recipient (RFC 3464 §2.3.3 `Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Delivery failed for good.
    Failed,
    /// Delivery is still being retried.
    Delayed,
    /// Delivered to the recipient's mailbox.
    Delivered,
    /// Handed to a system that will not report further.
    Relayed,
    /// Delivered and forwarded to several addresses.
    Expanded,
}

impl Action {
    /// Reads an `Action:` value; unknown words give `None`.
    pub fn parse(text: &str) -> Option<Action> {
        let t = text.trim().to_ascii_lowercase();
        // Some MTAs write "failed (bad destination mailbox address)" or "expired".
        let word = t
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        Some(match word {
            "failed" | "failure" | "expired" => Action::Failed,
            "delayed" | "delay" => Action::Delayed,
            "delivered" | "deliverable" => Action::Delivered,
            "relayed" => Action::Relayed,
            "expanded" => Action::Expanded,
            _ => return None,
        })
    }

    /// The lower-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
            Action::Relayed => "relayed",
            Action::Expanded => "expanded",
        }
    }
}

/// What kind of message the report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Not a report at all: no recipients.
    #[default]
    NotReport,
    /// A delivery status notification or non-delivery report.
    Delivery,
    /// An automatic reply (RFC 3834): out of office, vacation.
    AutoReply,
    /// A spam complaint (RFC 5965 ARF).
    Feedback,
}

/// A problem met while reading; the report is still returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "flag", content = "detail")]
pub enum Flag {
    /// The bytes are not a MIME message at all.
    NotMime,
    /// A MIME part could not be decoded as declared.
    BadEncoding,
    /// Looks like a bounce but no recipient could be found.
    NoRecipient,
    /// The input was cut at the size limit.
    Truncated,
    /// The report named more recipients than are read (`formats::MAX_RECIPIENTS`, SPEC §10);
    /// the number left unread.
    TooManyRecipients(usize),
}

/// Per-recipient facts from a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The address the report is about (`Final-Recipient`, or the address named in the text).
    pub address: String,
    /// Action taken (RFC 3464 §2.3.3); `None` when the report does not say.
    pub action: Option<Action>,
    /// Enhanced status code ("5.1.1") as stated or found in the response text.
    pub status: Option<String>,
    /// Basic SMTP reply code ("550").
    pub reply_code: Option<String>,
    /// The remote server's full response, unfolded into one line.
    pub diagnostic: String,
    /// The type of `Diagnostic-Code` (`SMTP`, `X-UNIX`, ...), upper-case.
    pub diagnostic_type: Option<String>,
    /// The host that gave the response (`Remote-MTA`).
    pub remote_mta: Option<String>,
    /// The host that wrote the report (`Reporting-MTA`, RFC 3464 §2.2.2), when stated: a
    /// provider's own relay reporting a failure identifies the provider as much as its MX does.
    pub reporting_mta: Option<String>,
    /// The comment after the code of the `Status` field (RFC 3464 §2.3.4: "5.2.1 (mailbox
    /// disabled, not accepting messages)"), when there is one that says more than the class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_comment: Option<String>,
    /// The SMTP command the failure answered (`RCPT`, `DATA`, `MAIL`, ...), when stated.
    pub command: Option<String>,
    /// A cause the format itself determines (e.g. "expired" when the MTA says the queue time ran
    /// out), in the Sisimai vocabulary; the classifier takes it as given.
    pub hint: Option<&'static str>,
}

impl Recipient {
    /// One recipient per address, all with the same response and format hint (reports that
    /// list several addresses under one explanation).
    pub fn each<S: Into<String>>(
        addresses: impl IntoIterator<Item = S>,
        diagnostic: &str,
        hint: Option<&'static str>,
    ) -> Vec<Recipient> {
        addresses
            .into_iter()
            .map(|a| Recipient {
                address: a.into(),
                diagnostic: diagnostic.to_string(),
                hint,
                ..Recipient::default()
            })
            .collect()
    }
}

/// Everything read from one message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Which format module read it (`rfc3464`, `lhost/postfix`, ...); empty when none.
    pub engine: &'static str,
    /// What kind of message it is.
    pub kind: ReportKind,
    /// The recipients the report speaks of, in order.
    pub recipients: Vec<Recipient>,
    /// The `Message-ID` of the returned original message, when quoted.
    pub original_message_id: Option<String>,
    /// The header block of the returned original, when quoted (as text, folded as sent);
    /// [`Report::original_headers`] parses it.
    pub original_header_block: Option<String>,
    /// Problems met while reading.
    pub flags: Vec<Flag>,
}

impl Report {
    /// The returned original's header fields (lower-case names, unfolded values), when quoted.
    pub fn original_headers(&self) -> Vec<(String, String)> {
        self.original_header_block
            .as_deref()
            .map(crate::mail::parse_header_block)
            .unwrap_or_default()
    }
}
