//! Tokens and sentences with byte offsets. (Placeholder: being written.)

use std::ops::Range;

use super::Span;

/// Append the tokens of `text[range]` to `out` as byte spans into `text`.
pub fn tokenize(text: &str, range: Range<usize>, out: &mut Vec<Span>) {
    let base = range.start;
    let slice = &text[range];
    let mut start = None;
    for (i, c) in slice.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(Span::new(base + s, base + i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Span::new(base + s, base + slice.len()));
    }
}

/// Split one paragraph's tokens into sentences, appending each sentence as a range of
/// indexes into `tokens`. Every token belongs to exactly one sentence, in order.
pub fn split_sentences(text: &str, tokens: &[Span], out: &mut Vec<Range<usize>>) {
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if text[t.range()].ends_with('.') {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
}
