//! Named-entity recognition: a greedy averaged-perceptron tagger with BILOU labels,
//! hashed features, word clusters, gazetteers and document-level features.

pub mod features;
pub mod hash;
pub mod labels;
pub mod lexicon;
pub mod model;
mod repair;
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
    tag_article_titled(model, a, spans, None).body
}

/// Mentions of an article and of its headline, the headline tagged as the first
/// sentences of the article's document (as CoNLL's articles open with theirs), so the
/// body's evidence decides words whose case says nothing in a Title Case or ALL CAPS
/// headline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    pub body: Vec<Mention>,
    /// Mentions in the headline: `sentence` counts the headline's own sentences, and
    /// the token indexes refer to `title_tokens`.
    pub title: Vec<Mention>,
    /// The headline's tokens, byte spans into the headline.
    pub title_tokens: Vec<Span>,
}

/// [`tag_article_spans`] with the article's headline (`None` or blank: none).
pub fn tag_article_titled(
    model: &Model,
    a: &Article,
    spans: &[Span],
    title: Option<&str>,
) -> Tagged {
    let title = title.unwrap_or("");
    let mut title_tokens = Vec::new();
    crate::core::segment::tokenize(title, 0..title.len(), &mut title_tokens);
    let mut bounds = Vec::new();
    if !title_tokens.is_empty() {
        crate::core::segment::split_sentences(title, &title_tokens, &mut bounds);
    }
    let title_words: Vec<&str> = title_tokens.iter().map(|t| &title[t.range()]).collect();
    // One vector of words for the article, sliced by sentence: an allocation per
    // sentence is a measurable part of tagging.
    let all: Vec<&str> = spans.iter().map(|t| &a.text[t.range()]).collect();
    let words: Vec<&[&str]> = bounds
        .iter()
        .map(|r| &title_words[r.clone()])
        .chain(
            a.sentences
                .iter()
                .map(|s| &all[s.first_token as usize..(s.first_token + s.n_tokens) as usize]),
        )
        .collect();
    let tagged = model.tag_document(&words);
    let (head, body) = tagged.split_at(bounds.len());
    let mut out = Tagged {
        title_tokens,
        ..Tagged::default()
    };
    for (si, (r, labels)) in bounds.iter().zip(head).enumerate() {
        for (b, e, t) in labels::spans(labels) {
            out.title.push(Mention {
                sentence: si as u32,
                start_token: (r.start + b) as u32,
                end_token: (r.start + e) as u32,
                label: t as u8,
            });
        }
    }
    for (si, (s, labels)) in a.sentences.iter().zip(body).enumerate() {
        for (b, e, t) in labels::spans(labels) {
            out.body.push(Mention {
                sentence: si as u32,
                start_token: s.first_token + b as u32,
                end_token: s.first_token + e as u32,
                label: t as u8,
            });
        }
    }
    out
}
