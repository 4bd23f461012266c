//! Raw article text -> cleaned body, paragraphs and metadata. (Placeholder: being written.)

use super::{Meta, Span};

/// The cleaned body of an article, its paragraphs (byte spans into `text`) and the
/// metadata found in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub paragraphs: Vec<Span>,
    pub meta: Meta,
}

/// Clean one raw article.
pub fn clean(raw: &str) -> Cleaned {
    let mut text = String::with_capacity(raw.len());
    let mut paragraphs = Vec::new();
    for block in raw.split("\n\n") {
        let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if block.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(&block);
        paragraphs.push(Span::new(start, text.len()));
    }
    Cleaned {
        text,
        paragraphs,
        meta: Meta::default(),
    }
}
