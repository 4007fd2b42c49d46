//! Turns command-line paths into messages: files, directories (every file below), mbox files,
//! Maildirs and standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Where one message comes from.
pub enum Source {
    /// A whole file (read lazily, in parallel).
    File(PathBuf),
    /// A message already in memory (stdin, or one message of an mbox).
    Bytes {
        /// The input's name.
        name: String,
        /// 1-based position of the message in an mbox file holding several.
        index: Option<usize>,
        /// The message.
        bytes: Vec<u8>,
    },
    /// An input that could not be read.
    Error { name: String, error: String },
}

/// One message of a source.
pub struct Message {
    /// The input's name.
    pub name: String,
    /// 1-based position in an mbox file holding several.
    pub index: Option<usize>,
    /// The message.
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads the source: its messages, or (name, error) when it cannot be read.
    pub fn messages(self) -> Result<Vec<Message>, (String, String)> {
        let name = self.name();
        let sources = match self {
            Source::Error { error, .. } => return Err((name, error)),
            Source::Bytes { .. } => vec![self],
            Source::File(path) => {
                let bytes = std::fs::read(&path).map_err(|e| (name.clone(), e.to_string()))?;
                let mut v = Vec::new();
                push_bytes(&mut v, name, bytes);
                v
            }
        };
        Ok(sources
            .into_iter()
            .filter_map(|s| match s {
                Source::Bytes { name, index, bytes } => Some(Message { name, index, bytes }),
                _ => None,
            })
            .collect())
    }

    /// The name used in output (`file`).
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Bytes { name, .. } | Source::Error { name, .. } => name.clone(),
        }
    }
}

/// Expands `paths` into message sources, in order.
pub fn sources(paths: &[String]) -> Vec<Source> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            let mut buf = Vec::new();
            match std::io::stdin().read_to_end(&mut buf) {
                Ok(_) => push_bytes(&mut out, "-".to_string(), buf),
                Err(e) => out.push(Source::Error {
                    name: "-".into(),
                    error: e.to_string(),
                }),
            }
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut out),
            Ok(_) => out.push(Source::File(path.to_path_buf())),
            Err(e) => out.push(Source::Error {
                name: p.clone(),
                error: e.to_string(),
            }),
        }
    }
    out
}

/// A file's bytes as one or more messages (an mbox file holds several).
pub fn push_bytes(out: &mut Vec<Source>, name: String, bytes: Vec<u8>) {
    if rebound_parse::mbox::is_mbox(&bytes) {
        let messages = rebound_parse::mbox::split_any(&bytes);
        let many = messages.len() > 1;
        for (i, m) in messages.into_iter().enumerate() {
            // A single message with a leading "From " line is just that message.
            let index = many.then_some(i + 1);
            out.push(Source::Bytes {
                name: name.clone(),
                index,
                bytes: m.into_owned(),
            });
        }
    } else {
        out.push(Source::Bytes {
            name,
            index: None,
            bytes,
        });
    }
}

/// Every regular file below `dir`, sorted by path. A Maildir's `tmp/` is skipped: messages
/// there are still being written (maildir(5)).
fn walk(dir: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            out.push(Source::Error {
                name: dir.display().to_string(),
                error: e.to_string(),
            });
            return;
        }
    };
    entries.sort();
    let is_maildir = dir.join("cur").is_dir() && dir.join("new").is_dir();
    for p in entries {
        if p.is_dir() {
            if is_maildir && p.file_name().is_some_and(|n| n == "tmp") {
                continue;
            }
            walk(&p, out);
        } else if p.is_file() {
            out.push(Source::File(p));
        }
    }
}
