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

use crate::core::Article;

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
    let spans = a.tokens.spans();
    let words: Vec<Vec<&str>> = a
        .sentences
        .iter()
        .map(|s| {
            let r = s.first_token as usize..(s.first_token + s.n_tokens) as usize;
            spans[r].iter().map(|t| &a.text[t.range()]).collect()
        })
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
