//! Byte offsets to character offsets.
