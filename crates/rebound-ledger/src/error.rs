//! The ledger's errors.

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The text is not an email address.
    #[error("invalid address {address:?}: {why}")]
    InvalidAddress {
        /// The text given.
        address: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Some other input is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The request is larger than one call may be (answered 413).
    #[error("{0}")]
    TooLarge(String),
    /// The thing asked for does not exist (in this account).
    #[error("{0}")]
    NotFound(String),
    /// The rules forbid it (e.g. unbouncing an unknown user); `code` names the rule.
    #[error("{message}")]
    Refused {
        /// A stable machine-readable name.
        code: &'static str,
        /// A sentence naming the reason.
        message: String,
    },
    /// A connected inbox names a host the server may not connect to (see `destination`).
    #[error("{0}")]
    HostNotAllowed(String),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),
}

impl LedgerError {
    /// An invalid-address error for `text`.
    pub fn address(text: &str, why: &'static str) -> LedgerError {
        LedgerError::InvalidAddress {
            address: text.chars().take(300).collect(),
            why,
        }
    }
}

/// Shorthand.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
