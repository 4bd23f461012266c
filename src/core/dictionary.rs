//! User dictionaries: patterns matched over tokens. (Being written.)
