//! Property tests of the parser (issue 18), run by `cargo test`: on arbitrary text it
//! never panics and its spans hold together; on text built from the fragments the
//! cleaning rules look for (credits, date lines, datelines, widgets, furniture) it
//! never deletes a word. The Python suite checks the same on 10,000 texts.

use proptest::prelude::*;

use super::{parse_article, Article};

/// Paragraphs, sentences and tokens are in order, inside the text, on char
/// boundaries; sentences stay within their paragraph and tokens within their sentence.
fn check_spans(a: &Article) {
    let text = &a.text;
    let ok = |s: super::Span| {
        s.start <= s.end
            && (s.end as usize) <= text.len()
            && text.is_char_boundary(s.start as usize)
            && text.is_char_boundary(s.end as usize)
    };
    let tokens = a.tokens.spans();
    let mut prev = 0;
    for t in &tokens {
        assert!(ok(*t) && t.start < t.end && t.start >= prev, "token {t:?}");
        prev = t.end;
    }
    let mut next_token = 0;
    for s in &a.sentences {
        assert!(ok(s.span));
        assert_eq!(
            s.first_token as usize, next_token,
            "sentences cover the tokens in order"
        );
        next_token += s.n_tokens as usize;
        let p = a.paragraphs[s.paragraph as usize];
        assert!(
            p.start <= s.span.start && s.span.end <= p.end,
            "sentence outside paragraph"
        );
        let first = tokens[s.first_token as usize];
        let last = tokens[next_token - 1];
        assert_eq!((first.start, last.end), (s.span.start, s.span.end));
    }
    assert_eq!(next_token, tokens.len());
    for p in &a.paragraphs {
        assert!(ok(*p));
    }
}

fn words(s: &str) -> std::collections::HashSet<&str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

const FRAGMENTS: &[&str] = &[
    "Reporting by",
    "Editing by",
    "Additional reporting by",
    "Writing by",
    ";",
    "Published:",
    "Updated:",
    "Date:",
    "June 3, 2024",
    "2024-06-03",
    "3 June 2024",
    "10:30 a.m. ET",
    "(Reuters) -",
    "(AP) —",
    "(Bloomberg) --",
    "OSLO, June 3 (Reuters) -",
    "WARSAW —",
    "©2024 Bloomberg L.P.",
    "All rights reserved.",
    "Watch:",
    "×",
    "Related:",
    "READ MORE:",
    "Hide Caption 2 of 5 Photos:",
    "contributed reporting.",
    "contributed to this report.",
    "With",
    "By",
    "-",
    "—",
    "(",
    ")",
    ".",
    ",",
    ":",
    "|",
    "Advertisement",
    "Close",
    "Photo",
    "Sign up",
    "Share this",
    "1.",
    "Image:",
    "Tusk",
    "Rutte",
    "met",
    "in",
    "Oslo",
    "said",
    "the",
    "vote",
    "n",
    "x",
    "Ian",
    "Bell",
    "PARIS",
    "AFP",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", "\n", "\n\n", "\n  ", "-\n"];

fn article_of_fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(FRAGMENTS),
            prop::sample::select(SEPARATORS),
        ),
        1..40,
    )
    .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_parses_into_consistent_spans(raw in "\\PC{0,300}|[\\s\\S]{0,300}") {
        if let Ok(a) = parse_article(&raw) {
            check_spans(&a);
        }
    }

    #[test]
    fn no_word_is_deleted(raw in article_of_fragments()) {
        let a = parse_article(&raw).expect("a short text parses");
        check_spans(&a);
        let m = &a.meta;
        let mut kept = vec![a.text.as_str()];
        kept.extend(m.title.as_deref());
        kept.extend(m.dateline.as_deref());
        kept.extend(m.source.as_deref());
        kept.extend(m.credits.iter().map(String::as_str));
        kept.extend(m.boilerplate.iter().map(String::as_str));
        let have: std::collections::HashSet<&str> = kept.iter().flat_map(|s| words(s)).collect();
        let lost: Vec<&str> = words(&raw).into_iter().filter(|w| !have.contains(w)).collect();
        prop_assert!(lost.is_empty(), "lost {:?} from {:?}", lost, raw);
    }
}
