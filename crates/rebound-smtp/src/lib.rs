//! Rebound's SMTP channel.
//!
//! - [`client`]: outbound delivery, one recipient per transaction, keeping every reply.
//! - [`command`]: the receiver's command parser, pure and total over any bytes.
//! - [`data`]: the receiver's reader of message data, bounded, ending only at CRLF.CRLF.
//! - [`message`]: composing outgoing messages.
//! - [`mx`]: finding a domain's mail servers (DNS MX, implicit MX, null MX).

//! - [`receiver`]: the inbound bounce receiver (RFC 5321 server side) for the bounce domains.
//!   It hands each message to a [`receiver::Sink`] that stores it durably, and answers 250
//!   only after that; it never relays.

pub mod client;
pub mod command;
pub mod data;
pub mod message;
pub mod mx;
pub mod receiver;
