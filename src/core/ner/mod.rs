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

use std::borrow::Cow;

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

/// Whether a headline is in Title Case (or ALL CAPS): at least two words with
/// letters, and at most one in five of the words not capitalised, leaving out short
/// lowercase words ("to", "of", "for"), which Title Case keeps lowercase.
fn title_case<S: AsRef<str>>(words: &[S]) -> bool {
    let (mut alpha, mut caps) = (0, 0);
    for w in words {
        let w = w.as_ref();
        if let Some(c) = w.chars().find(|c| c.is_alphabetic()) {
            if c.is_lowercase() && w.chars().count() <= 3 {
                continue;
            }
            alpha += 1;
            caps += usize::from(c.is_uppercase());
        }
    }
    alpha >= 2 && caps * 5 >= alpha * 4
}

/// A heading inside the body: a sentence in Title Case without the punctuation that
/// ends a sentence ("Position Paper", "Key Takeaways From the Summit").
fn heading<S: AsRef<str>>(words: &[S]) -> bool {
    let ends = |w: &str| {
        matches!(
            w,
            "." | "!" | "?" | "…" | "\"" | "”" | "'" | "’" | ":" | ")"
        )
    };
    words.last().is_some_and(|w| !ends(w.as_ref())) && title_case(words)
}

/// Closed-class words (and "says"/"said") that a headline capitalises and running
/// text does not ("us", "may" and "will" are left out: in a headline they are as often
/// a country, a name or a month).
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "along", "also", "amid", "among",
    "an", "and", "any", "are", "around", "as", "at", "be", "been", "before", "behind", "below",
    "between", "beyond", "both", "but", "by", "can", "could", "despite", "did", "do", "does",
    "during", "each", "even", "ever", "every", "few", "for", "from", "had", "has", "have", "he",
    "her", "here", "his", "how", "if", "in", "inside", "into", "is", "it", "its", "just", "many",
    "might", "more", "most", "much", "must", "near", "never", "no", "nor", "not", "now", "of",
    "off", "on", "once", "only", "onto", "or", "other", "our", "out", "over", "said", "says",
    "she", "should", "since", "so", "some", "still", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "toward",
    "towards", "under", "until", "up", "upon", "very", "via", "vs", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "with", "within", "without", "would",
    "yet", "you", "your",
];

/// How the body of an article writes the words of its headline and headings in
/// mid-sentence, for truecasing them: "Scholz Hosts Macron" is tagged as "Scholz hosts
/// Macron" when the body writes "hosts". A word the body never writes falls back on
/// the word clusters, which know whether a form is common in lowercase.
struct BodyCase {
    /// Lowercase words to look for, and the forms the body writes each in, counted.
    targets: Vec<(String, Vec<(String, u32)>)>,
}

impl BodyCase {
    fn new(
        all: &[Cow<str>],
        sentences: &[crate::core::Sentence],
        skip: &[std::ops::Range<usize>],
        words: &[&[Cow<str>]],
    ) -> Self {
        let mut targets: Vec<(String, Vec<(String, u32)>)> = Vec::new();
        for w in words.iter().flat_map(|ws| ws.iter()) {
            let lower = w.to_lowercase();
            if w.chars().next().is_some_and(char::is_uppercase)
                && !targets.iter().any(|(t, _)| *t == lower)
            {
                targets.push((lower, Vec::new()));
            }
        }
        let mut lens = 0u64;
        let mut firsts = [false; 256];
        for (t, _) in &targets {
            // A target of 64 bytes or more is looked up with the long words.
            lens |= 1 << t.len().min(63);
            // Non-ASCII first letters: any non-ASCII first byte may match.
            if t.as_bytes()[0] < 0x80 {
                firsts[t.as_bytes()[0] as usize] = true;
            } else {
                firsts[0x80..].fill(true);
            }
        }
        for s in sentences {
            let r = s.first_token as usize..(s.first_token + s.n_tokens) as usize;
            if skip.contains(&r) {
                continue;
            }
            for w in &all[r.start + 1..r.end] {
                // Most tokens match no target: rule them out by length and first byte
                // (case-folded) before comparing strings. This runs over the whole body
                // of every article with a Title Case headline.
                let (len, first) = (w.len(), w.as_bytes()[0].to_ascii_lowercase());
                if lens & (1 << len.min(63)) == 0 || !firsts[first as usize] {
                    continue;
                }
                let hit = targets.iter_mut().find(|(t, _)| {
                    t.len() == w.len()
                        && (t.eq_ignore_ascii_case(w) || (!w.is_ascii() && *t == w.to_lowercase()))
                });
                if let Some((_, seen)) = hit {
                    match seen.iter_mut().find(|(f, _)| f == w.as_ref()) {
                        Some((_, n)) => *n += 1,
                        None => seen.push((w.to_string(), 1)),
                    }
                }
            }
        }
        BodyCase { targets }
    }

    /// Rewrite capitalised words: the body's commonest form; else lowercase when only
    /// the lowercase form is a known word; an ALL CAPS word known as a name becomes
    /// that name ("MACRON" -> "Macron"); else as written.
    fn apply(&self, words: &mut [Cow<str>], lexicon: &lexicon::Lexicon) {
        use hash::hash_str;
        for w in words.iter_mut() {
            if !w.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let lower = w.to_lowercase();
            let seen = self
                .targets
                .iter()
                .find(|(t, _)| *t == lower)
                .map(|(_, s)| s);
            if let Some((f, _)) = seen.and_then(|s| s.iter().max_by_key(|(_, n)| *n)) {
                *w = Cow::Owned(f.clone());
                continue;
            }
            if FUNCTION_WORDS.contains(&lower.as_str()) {
                *w = Cow::Owned(lower);
                continue;
            }
            let known = |f: &str| lexicon.clusters.contains_key(&hash_str(f));
            let capital: String = {
                let mut c = lower.chars();
                c.next()
                    .map(|h| h.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            };
            let all_caps = w.chars().filter(|c| c.is_alphabetic()).count() > 1
                && w.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase);
            if known(&lower) && !known(&capital) && !known(w) {
                *w = Cow::Owned(lower);
            } else if all_caps && known(&capital) && !known(w) {
                *w = Cow::Owned(capital);
            }
        }
    }
}

/// The sentences of a document: the headline's, then the body's.
fn document<'w, S>(
    title: &'w [S],
    bounds: &[std::ops::Range<usize>],
    body: &'w [S],
    a: &Article,
) -> Vec<&'w [S]> {
    bounds
        .iter()
        .map(|r| &title[r.clone()])
        .chain(
            a.sentences
                .iter()
                .map(|s| &body[s.first_token as usize..(s.first_token + s.n_tokens) as usize]),
        )
        .collect()
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
    // A headline or a heading in Title Case or ALL CAPS capitalises every word, so
    // its case tells names from other words no better than a coin: its words are
    // written as the body writes them (truecasing) before tagging. Offsets still come
    // from the original text.
    let headings: Vec<std::ops::Range<usize>> = a
        .sentences
        .iter()
        .map(|s| s.first_token as usize..(s.first_token + s.n_tokens) as usize)
        .filter(|r| heading(&all[r.clone()]))
        .collect();
    let headline = title_case(&title_words);
    let tagged = if !headline && headings.is_empty() {
        model.tag_document(&document(&title_words, &bounds, &all, a))
    } else {
        let mut title_words: Vec<Cow<str>> = title_words.into_iter().map(Cow::Borrowed).collect();
        let mut all: Vec<Cow<str>> = all.into_iter().map(Cow::Borrowed).collect();
        let mut looked: Vec<&[Cow<str>]> = headings.iter().map(|r| &all[r.clone()]).collect();
        if headline {
            looked.push(&title_words);
        }
        let cased = BodyCase::new(&all, &a.sentences, &headings, &looked);
        if headline {
            cased.apply(&mut title_words, &model.lexicon);
        }
        for r in headings {
            cased.apply(&mut all[r], &model.lexicon);
        }
        model.tag_document(&document(&title_words, &bounds, &all, a))
    };
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
