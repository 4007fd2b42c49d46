//! # rebound-inbox
//!
//! Connected inboxes (SPEC §6): one watcher per inbox reads the user's mailbox over IMAP and
//! hands the ledger every new message — the Sent folder's to log one-to-one sends, the inbox's
//! to find bounces of them (the ledger's `inboxes` module parses and matches).
//!
//! The watcher is read-only towards the user's mail: folders are opened with `EXAMINE` and
//! messages read with `BODY.PEEK`, so it never deletes, moves or flags anything. It resumes from
//! the last UID it read in each folder, reads a folder again from the start when its
//! UIDVALIDITY changes (the ledger keeps every report once, by its bytes), waits with IDLE
//! (RFC 2177) where the server offers it and polls otherwise, and reconnects with back-off.
//!
//! - [`imap`]: one connection (TLS, STARTTLS, password or XOAUTH2 login, the commands used);
//! - [`watcher`]: the loop per inbox and [`run`], which keeps one watcher per stored inbox.

pub mod imap;
pub mod watcher;

pub use watcher::{Options, run};

/// Why a watcher's session ended.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The network failed.
    #[error("network: {0}")]
    Io(String),
    /// TLS failed (certificate, handshake, STARTTLS refused).
    #[error("tls: {0}")]
    Tls(String),
    /// The server refused the credentials.
    #[error("login failed: {0}")]
    Login(String),
    /// The server answered a command with an error, or not at all.
    #[error("imap: {0}")]
    Imap(String),
    /// The inbox's settings cannot work.
    #[error("{0}")]
    Config(String),
    /// The ledger failed.
    #[error("ledger: {0}")]
    Ledger(#[from] rebound_ledger::LedgerError),
}

impl From<async_imap::error::Error> for Error {
    fn from(e: async_imap::error::Error) -> Error {
        match e {
            async_imap::error::Error::Io(e) => Error::Io(e.to_string()),
            e => Error::Imap(e.to_string()),
        }
    }
}
