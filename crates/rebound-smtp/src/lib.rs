//! Rebound's SMTP channel.
//!
//! [`receiver`]: the inbound bounce receiver (RFC 5321 server side) for the bounce domains. It
//! hands each message to a [`receiver::Sink`] that stores it durably, and answers 250 only
//! after that; it never relays.

pub mod receiver;
