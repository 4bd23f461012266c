//! newsgraph: fast entity and co-occurrence analysis of news corpora.
//!
//! `core` is pure Rust and is what `cargo test` exercises; `py` is the thin PyO3 layer,
//! compiled only with the `python` feature (maturin turns it on).

pub mod core;

#[cfg(feature = "python")]
mod py;
