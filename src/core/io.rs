//! Reading corpora from disk.
