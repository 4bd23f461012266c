//! Named-entity recognition: a greedy averaged-perceptron tagger with BILOU labels,
//! hashed features, word clusters, gazetteers and document-level features.

pub mod features;
pub mod hash;
pub mod labels;
pub mod lexicon;
pub mod model;
mod score;
pub mod train;

pub use model::Model;

use crate::core::{Article, Span};

/// One entity mention found by the tagger: a token range within a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub sentence: u32,
    /// Index of the first token in `Article::tokens`.
    pub start_token: u32,
    /// One past the last token.
    pub end_token: u32,
    /// Index into [`labels::TYPES`].
    pub label: u8,
}

/// Tag every sentence of a parsed article (the article is one document for the
/// document-level features).
pub fn tag_article(model: &Model, a: &Article) -> Vec<Mention> {
    tag_article_spans(model, a, &a.tokens.spans())
}

/// [`tag_article`] given the article's decoded token spans (`a.tokens.spans()`), for
/// callers that need them too.
pub fn tag_article_spans(model: &Model, a: &Article, spans: &[Span]) -> Vec<Mention> {
    // One vector of words for the article, sliced by sentence: an allocation per
    // sentence is a measurable part of tagging.
    let all: Vec<&str> = spans.iter().map(|t| &a.text[t.range()]).collect();
    let words: Vec<&[&str]> = a
        .sentences
        .iter()
        .map(|s| &all[s.first_token as usize..(s.first_token + s.n_tokens) as usize])
        .collect();
    let tagged = model.tag_document(&words);
    let mut out = Vec::new();
    for (si, (s, labels)) in a.sentences.iter().zip(&tagged).enumerate() {
        for (b, e, t) in labels::spans(labels) {
            out.push(Mention {
                sentence: si as u32,
                start_token: s.first_token + b as u32,
                end_token: s.first_token + e as u32,
                label: t as u8,
            });
        }
    }
    out
}
