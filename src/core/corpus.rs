//! Many articles at once.
