//! Byte offsets (what Rust slices by) to character offsets (what Python indexes by).

/// Converts byte offsets into one text to character offsets.
///
/// Offsets usually arrive in reading order (span starts and ends interleaved), so the
/// converter walks forward from the last position instead of rescanning; a backward
/// request restarts from the beginning. ASCII text, the common case, needs no walk.
pub struct CharOffsets<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        CharOffsets {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `b`, which must lie on a char boundary.
    pub fn get(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let piece = &self.text.as_bytes()[self.byte..b];
        // Count chars as bytes that do not continue a UTF-8 sequence.
        self.chars += piece.iter().filter(|&&c| (c as i8) >= -0x40).count();
        self.byte = b;
        self.chars
    }
}

/// Character offsets of a sequence of byte offsets.
pub fn char_offsets(text: &str, bytes: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut conv = CharOffsets::new(text);
    bytes.into_iter().map(|b| conv.get(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        assert_eq!(
            char_offsets("hello world", [0, 5, 6, 11]),
            vec![0, 5, 6, 11]
        );
    }

    #[test]
    fn multibyte_forward_and_backward() {
        let text = "Zelenskyy’s aide Đoković met Müller.";
        let want: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let got = char_offsets(text, want.iter().copied());
        assert_eq!(got, (0..want.len()).collect::<Vec<_>>());
        // Backwards requests restart rather than go wrong.
        let back: Vec<usize> = want.iter().rev().copied().collect();
        let got = char_offsets(text, back);
        assert_eq!(got, (0..want.len()).rev().collect::<Vec<_>>());
        assert_eq!(char_offsets(text, [text.len()]), vec![text.chars().count()]);
    }
}
