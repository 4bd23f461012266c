//! One error type for the core; the binding layer maps each kind to one Python
//! exception class (`newsgraph.exceptions`).

use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, precise enough for the binding layer to pick an exception class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// A path that does not exist.
    NotFound,
    /// Any other I/O failure.
    Io,
    /// Malformed input data (a bad JSON line); `line` is 1-based.
    Parse,
    /// A value of the wrong type (a non-string text).
    Type,
    /// A value out of range or otherwise unusable (a huge article, a bad argument).
    Input,
    /// The caller asked the work to stop (Ctrl-C).
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub path: Option<PathBuf>,
    pub line: Option<u64>,
}

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Input,
            message: message.into(),
            path: None,
            line: None,
        }
    }

    pub fn cancelled() -> Self {
        Error {
            kind: ErrorKind::Cancelled,
            message: "interrupted".into(),
            path: None,
            line: None,
        }
    }

    pub fn parse(path: &Path, line: u64, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Parse,
            message: message.into(),
            path: Some(path.to_path_buf()),
            line: Some(line),
        }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        let kind = if err.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Error {
            kind,
            message: err.to_string(),
            path: Some(path.to_path_buf()),
            line: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => write!(f, "{}, line {}: {}", p.display(), l, self.message),
            (Some(p), None) => write!(f, "{}: {}", p.display(), self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}
