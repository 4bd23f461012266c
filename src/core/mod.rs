//! The pure-Rust pipeline: raw article text -> [`Article`] (metadata, paragraphs,
//! sentences, tokens). Nothing here knows about Python.

pub mod cooccur;
pub mod corpus;
pub mod dictionary;
pub mod error;
pub mod io;
pub mod ner;
pub mod offsets;
pub mod parse;
pub mod resolve;
pub mod segment;

pub use error::{Error, Result};

/// A half-open byte range `[start, end)` into an article's cleaned text.
///
/// `u32` keeps token tables at 8 bytes a token; [`parse_article`] refuses texts
/// that do not fit.
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
    /// Lines and widgets removed from the body, verbatim, in reading order.
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
    pub tokens: Vec<Span>,
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
    // The capacity guess (a token per five bytes) can overshoot by a lot on texts of
    // long words or numbers; a corpus holds these tables for its whole life.
    if tokens.capacity() - tokens.len() > tokens.len() / 8 {
        tokens.shrink_to_fit();
    }
    Ok(Article {
        text,
        meta: cleaned.meta,
        paragraphs: cleaned.paragraphs,
        sentences,
        tokens,
    })
}
