//! The crate's one error type. Every variant carries the file it concerns, so a message
//! printed to the user always says where the problem is and what it is.

use std::path::{Path, PathBuf};

/// Errors that stop a command. Row-level problems in event files are not errors: they
/// are [`crate::input::Diagnostic`]s, reported and counted while the rest of the file is read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },

    /// A problem at a particular line of an input file (used by `--strict`, and for
    /// structural problems such as an unreadable header).
    #[error("{}: line {line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: u64,
        message: String,
    },

    /// A problem with one feature of a GeoJSON file (boundaries, places, events).
    #[error("{}: feature {index}{}: {message}", path.display(), name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())]
    Feature {
        path: PathBuf,
        index: usize,
        name: Option<String>,
        message: String,
    },

    /// A study, style or categories file that parses but says something impossible.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    /// A command-line value that cannot be used.
    #[error("{0}")]
    Usage(String),

    #[error("PROJ: {0}")]
    Proj(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn format(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }

    pub fn config(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Config {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }
}
