//! The pure-Rust pipeline: raw article text -> [`Article`] (metadata, paragraphs,
//! sentences, tokens). Nothing here knows about Python.

pub mod cooccur;
pub mod corpus;
pub mod dedup;
pub mod dictionary;
pub mod error;
pub mod io;
pub mod ner;
pub mod offsets;
pub mod parse;
#[cfg(test)]
mod parse_props;
pub mod quotes;
pub mod resolve;
pub mod segment;
pub mod store;

pub use error::{Error, Result};

/// A half-open byte range `[start, end)` into an article's cleaned text.
///
/// `u32` offsets: [`parse_article`] refuses texts that do not fit. Articles keep their
/// tokens packed as [`Tokens`]; spans are what readers decode them to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// An article's token spans, packed: per token, the gap since the previous token's end
/// and the token's length, each as a LEB128 varint (usually one byte each).
///
/// A corpus holds its tokens for its whole life; as plain [`Span`]s they took 8 bytes
/// a token, more than the text itself (news averages 5-6 bytes a token). Readers
/// decode an article's tokens with [`Tokens::spans`] (a few ns a token) where they
/// start working on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    packed: Vec<u8>,
    len: u32,
}

impl Tokens {
    /// Pack spans that are in order and do not overlap (as the tokenizer makes them).
    pub fn from_spans(spans: &[Span]) -> Tokens {
        let mut packed = Vec::with_capacity(spans.len() * 2 + 8);
        let mut prev = 0u32;
        for t in spans {
            debug_assert!(prev <= t.start && t.start <= t.end);
            push_varint(&mut packed, t.start - prev);
            push_varint(&mut packed, t.end - t.start);
            prev = t.end;
        }
        packed.shrink_to_fit();
        Tokens {
            packed,
            len: spans.len() as u32,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The spans, in order.
    pub fn iter(&self) -> impl Iterator<Item = Span> + '_ {
        let mut pos = 0;
        let mut prev = 0u32;
        (0..self.len).map(move |_| {
            let start = prev + read_varint(&self.packed, &mut pos);
            let end = start + read_varint(&self.packed, &mut pos);
            prev = end;
            Span { start, end }
        })
    }

    /// The packed bytes, as [`Tokens::from_packed`] takes them back.
    pub fn packed(&self) -> &[u8] {
        &self.packed
    }

    /// Tokens from bytes that [`Tokens::packed`] gave (read back from a file), checking
    /// that they hold exactly `len` spans, in order, within `text` and on character
    /// boundaries: readers decode without checks.
    pub fn from_packed(packed: &[u8], len: u32, text: &str) -> std::result::Result<Tokens, String> {
        let bad = || format!("tokens do not fit a text of {} bytes", text.len());
        let mut pos = 0;
        let mut prev = 0u32;
        for _ in 0..len {
            let gap = checked_varint(packed, &mut pos).ok_or_else(bad)?;
            let n = checked_varint(packed, &mut pos).ok_or_else(bad)?;
            let start = prev.checked_add(gap).ok_or_else(bad)?;
            let end = start.checked_add(n).ok_or_else(bad)?;
            if end as usize > text.len()
                || !text.is_char_boundary(start as usize)
                || !text.is_char_boundary(end as usize)
            {
                return Err(bad());
            }
            prev = end;
        }
        if pos != packed.len() {
            return Err(format!(
                "tokens: {} bytes left after {len} tokens",
                packed.len() - pos
            ));
        }
        Ok(Tokens {
            packed: packed.to_vec(),
            len,
        })
    }

    /// All spans, decoded.
    pub fn spans(&self) -> Vec<Span> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.iter());
        out
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A varint that may be malformed: `None` when it runs past the end or beyond `u32`.
fn checked_varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v = 0u64;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return u32::try_from(v).ok();
        }
    }
    None
}

/// Reads what [`push_varint`] wrote; `Tokens` is only built from spans, so the
/// bytes are always well formed.
#[inline]
fn read_varint(bytes: &[u8], pos: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= ((b & 0x7F) as u32) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// One sentence: its byte span, the paragraph it belongs to, and its tokens as a
/// range into [`Article::tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: u32,
    pub first_token: u32,
    pub n_tokens: u32,
}

/// Metadata found in the text of an article, and the boilerplate removed from its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Outlet or agency: "Bloomberg", "Reuters", "AP".
    pub source: Option<String>,
    /// Place line that opens the story: "Moscow", "PARIS".
    pub dateline: Option<String>,
    /// Who is credited: "AFP" from "AFP contributed reporting.".
    pub credits: Vec<String>,
    /// Text removed from the body, verbatim, in reading order: date lines, the dateline
    /// or agency marker, credit lines, widgets and web furniture (the title is in `title`).
    pub boilerplate: Vec<String>,
}

/// A parsed article. All spans are byte offsets into `text`, the cleaned body:
/// paragraphs joined by a blank line ("\n\n"), hard wraps joined by a space.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    pub text: String,
    pub meta: Meta,
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Sentence>,
    pub tokens: Tokens,
}

/// Parse one raw article.
///
/// Cleaning and metadata come from [`parse::clean`]; tokens and sentences from
/// [`segment`], paragraph by paragraph, so no sentence crosses a paragraph.
pub fn parse_article(raw: &str) -> Result<Article> {
    if raw.len() >= u32::MAX as usize {
        return Err(Error::input(format!(
            "article of {} bytes is larger than the 4 GiB an article may hold",
            raw.len()
        )));
    }
    let cleaned = parse::clean(raw);
    let text = cleaned.text;
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut sentences = Vec::new();
    let mut bounds = Vec::new();
    for (p, para) in cleaned.paragraphs.iter().enumerate() {
        let first = tokens.len();
        segment::tokenize(&text, para.range(), &mut tokens);
        bounds.clear();
        segment::split_sentences(&text, &tokens[first..], &mut bounds);
        for r in &bounds {
            let (a, b) = (first + r.start, first + r.end);
            sentences.push(Sentence {
                span: Span {
                    start: tokens[a].start,
                    end: tokens[b - 1].end,
                },
                paragraph: p as u32,
                first_token: a as u32,
                n_tokens: (b - a) as u32,
            });
        }
    }
    Ok(Article {
        text,
        meta: cleaned.meta,
        paragraphs: cleaned.paragraphs,
        sentences,
        tokens: Tokens::from_spans(&tokens),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_pack_and_unpack_any_gap_and_length() {
        let mut spans = Vec::new();
        let mut at = 0u32;
        for (gap, len) in [
            (0, 1),
            (0, 0),
            (1, 127),
            (2, 128),
            (127, 16_383),
            (128, 16_384),
            (70_000, 3),
            (0, 2_097_152),
            (300_000_000, 5),
        ] {
            let start = at + gap;
            spans.push(Span::new(start as usize, (start + len) as usize));
            at = start + len;
        }
        let t = Tokens::from_spans(&spans);
        assert_eq!(t.len(), spans.len());
        assert_eq!(t.spans(), spans);
        assert_eq!(t.iter().collect::<Vec<_>>(), spans);
        assert!(Tokens::from_spans(&[]).is_empty());
        assert_eq!(Tokens::from_spans(&[]).spans(), Vec::<Span>::new());
    }

    #[test]
    fn parsed_tokens_take_about_two_bytes_each() {
        let text = "Sergei Lavrov met Wang Yi in Beijing on Tuesday, officials said. ".repeat(50);
        let a = parse_article(&text).expect("parses");
        let spans = a.tokens.spans();
        assert!(spans.len() > 500);
        assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
        assert!(spans.iter().all(|t| !a.text[t.range()].trim().is_empty()));
        assert!(
            a.tokens.packed.len() <= 2 * spans.len(),
            "{}",
            a.tokens.packed.len()
        );
    }
}
