//! Co-occurrence counting. (Being written.)
