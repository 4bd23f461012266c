//! Span repairs after decoding: what a name span may never contain, whatever the
//! weights say.
//!
//! A greedy tagger trained on 1996 Reuters joins what modern news text puts side by
//! side: BBC-style honorifics without a full stop ("Mr Blair"), editors' brackets
//! ("[Donald] Trump"), and names run together by scraped link widgets ("Nancy Pelosi
//! Nancy", "Paris French", "Union Tuesday"). CoNLL-2003 keeps all of these out of a
//! span, so they are cut here, in one place that every caller of the tagger shares
//! (corpus mentions, `newsgraph.tag`, evaluation). Each rule only removes tokens from
//! spans, splits spans, relabels a span (a law ending in "Act" is MISC, as in CoNLL),
//! drops a US party letter ("(D)", "(R-Iowa)"), labels the word after an honorific,
//! or carries a person span that stops on a middle initial ("Donald J." before
//! "Trump") over the capitalised word after it; none invents a span elsewhere.
//!
//! Known failure modes: a person whose name repeats a token ("Boutros Boutros Ghali"
//! written without the hyphen) is split; a trailing weekday that is part of a name
//! ("Black Friday" as ORG) is cut (MISC spans are left alone, which covers the usual
//! case); a capitalised word after "Mr" that is not a name ("Mr Right") is tagged PER;
//! an organisation whose name ends in "Act" (a band, a theatre) becomes MISC; a lone
//! "(D)" or "(I)" that is a person's initial is dropped.

use std::sync::OnceLock;

use super::features::{Sent, ALLCAPS, ALPHA, CAP};
use super::hash::{hash_str, IdSet};
use super::labels;
use super::lexicon::Lexicon;

/// Lowercase forms, hashed as the tagger hashes tokens.
struct Words {
    /// Always outside a name, and what follows them is a person: "Mr", "Mrs.".
    personal: IdSet,
    /// Outside a person's name, but may open other names ("Dr Pepper", "Sir Speedy").
    honorific: IdSet,
    brackets: IdSet,
    /// Weekdays: never the last word of a person, place or organisation.
    days: IdSet,
    /// Last words of the names of laws, which CoNLL labels MISC ("Patriot Act").
    laws: IdSet,
    /// All of the above: a word some rule looks for.
    special: IdSet,
    /// US party letters, as in "(D-Calif.)", and the hyphen after them.
    party: IdSet,
    hyphen: u64,
    open: u64,
    close: u64,
}

fn words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| {
        let set = |xs: &[&str]| -> IdSet {
            xs.iter()
                .flat_map(|x| [x.to_string(), format!("{x}.")])
                .map(|x| hash_str(&x))
                .collect()
        };
        let mut w = Words {
            personal: set(&["mr", "mrs", "ms", "miss", "mx", "messrs", "mmes"]),
            honorific: set(&[
                "dr", "prof", "sir", "dame", "lord", "lady", "rev", "revd", "fr", "sen", "rep",
                "gov", "gen", "lt", "col", "capt", "sgt", "adm", "cpl", "maj", "pres", "amb",
                "supt", "insp", "det", "judge", "justice",
            ]),
            brackets: ["[", "]", "(", ")", "{", "}", "|", "<", ">"]
                .iter()
                .map(|x| hash_str(x))
                .collect(),
            days: [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ]
            .iter()
            .map(|x| hash_str(x))
            .collect(),
            laws: ["act", "amendment"].iter().map(|x| hash_str(x)).collect(),
            special: IdSet::default(),
            party: ["r", "d", "i"].iter().map(|x| hash_str(x)).collect(),
            hyphen: hash_str("-"),
            open: hash_str("("),
            close: hash_str(")"),
        };
        w.special = [&w.personal, &w.honorific, &w.brackets, &w.days, &w.laws]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        w
    })
}

/// The gazetteer bits of one category in a token's match set: B=1, I=2, L=4, U=8.
fn gaz_bits(g: u64, cat: Option<usize>) -> u64 {
    cat.map_or(0, |c| (g >> (4 * c)) & 0b1111)
}

const PER: usize = 0;
const LOC: usize = 2;
const MISC: usize = 3;
/// A phrase that starts (B) or is (U) at this token.
const STARTS: u64 = 0b1001;
/// A one-token phrase.
const UNIT: u64 = 0b1000;

/// Apply every repair to the labels of one document's sentences.
pub(super) fn repair(lexicon: &Lexicon, sents: &[Sent], labels: &mut [Vec<u8>]) {
    let cat = |name: &str| lexicon.categories.iter().position(|c| c == name);
    let cats = Cats {
        given: cat("PER.given"),
        surname: cat("PER.surname"),
        title: cat("PER.title"),
        demonym: cat("MISC.demonym"),
        city: cat("LOC.city"),
        country: cat("LOC.country"),
    };
    let w = words();
    let mut found = Vec::new();
    for (s, ls) in sents.iter().zip(labels.iter_mut()) {
        // Most sentences have nothing to repair, and this runs on every sentence
        // tagged: rule them out cheaply first. An honorific is capitalised.
        let personal = s
            .atoms
            .iter()
            .any(|a| a.flags & CAP != 0 && w.personal.contains(&a.lower));
        if !personal && ls.iter().all(|&l| l == labels::O) {
            continue;
        }
        found.clear();
        labels::spans_into(ls, &mut found);
        if !personal && !found.iter().any(|&sp| suspicious(s, w, &cats, sp)) {
            continue;
        }
        let mut spans = found.clone();
        spans = split_brackets(s, w, spans);
        spans = strip_honorifics(s, w, &cats, spans);
        spans = split_run_ons(s, w, &cats, spans);
        spans.retain(|&(b, e, _)| !(e == b + 1 && party_letter(s, w, b)));
        name_after_honorific(s, w, &mut spans);
        spans = extend_past_initial(s, spans);
        let fixed = labels::from_spans(ls.len(), &spans);
        ls.copy_from_slice(&fixed);
    }
}

/// Whether any repair could change this span: it holds a word one of the rules looks
/// for, starts with a title, ends with a demonym, or is a person of three words or more.
fn suspicious(s: &Sent, w: &Words, cats: &Cats, (b, e, t): (usize, usize, usize)) -> bool {
    if e == b + 1 {
        return party_letter(s, w, b);
    }
    (t == PER && (e - b >= 3 || gaz_bits(s.gaz[b], cats.title) != 0 || open_initial(s, e)))
        || gaz_bits(s.gaz[e - 1], cats.demonym) != 0
        || s.atoms[b..e].iter().any(|a| w.special.contains(&a.lower))
}

struct Cats {
    given: Option<usize>,
    surname: Option<usize>,
    title: Option<usize>,
    demonym: Option<usize>,
    city: Option<usize>,
    country: Option<usize>,
}

type Spans = Vec<(usize, usize, usize)>;

/// Brackets and bars never belong to a name: "Donald ] Trump" is two spans.
fn split_brackets(s: &Sent, w: &Words, spans: Spans) -> Spans {
    let mut out = Vec::with_capacity(spans.len());
    for (b, e, t) in spans {
        let mut start = b;
        for k in b..=e {
            if k == e || w.brackets.contains(&s.atoms[k].lower) {
                if k > start {
                    out.push((start, k, t));
                }
                start = k + 1;
            }
        }
    }
    out
}

/// Honorifics and titles at the start of a span are not part of the name (CoNLL:
/// "Mr. [Smith]"). "Mr"/"Mrs"/"Ms" are dropped from any span, and make what follows a
/// person; other titles only from person spans ("Dr Pepper" stays an organisation).
fn strip_honorifics(s: &Sent, w: &Words, cats: &Cats, spans: Spans) -> Spans {
    let mut out = Vec::with_capacity(spans.len());
    for (b, e, t) in spans {
        let mut start = b;
        let mut personal = false;
        while start + 1 < e {
            let a = &s.atoms[start];
            let is_title = gaz_bits(s.gaz[start], cats.title) & UNIT != 0;
            if w.personal.contains(&a.lower) {
                personal = true;
            } else if !(t == PER && (w.honorific.contains(&a.lower) || is_title)) {
                break;
            }
            start += 1;
        }
        if start + 1 == e && w.personal.contains(&s.atoms[start].lower) {
            // The span was only an honorific: "Mrs" tagged as a name.
            continue;
        }
        out.push((start, e, if personal { PER } else { t }));
    }
    out
}

/// One span must not hold two names:
/// - a word that repeats an earlier word of a person's name starts a new name
///   ("Nancy Pelosi Nancy");
/// - after a surname, a given name that is not also a surname starts a new name
///   ("Trump Donald John", "Bernie Sanders Will"), unless the span is just two words
///   (East Asian order: "Xi Jinping");
/// - a weekday never ends a person, place or organisation ("Union Tuesday");
/// - a demonym never ends a place or organisation ("Paris French": two entities);
/// - a name of several words ending in "Act" or "Amendment" with a capital is a law,
///   MISC, whatever type the words before suggest ("Affordable Care Act").
fn split_run_ons(s: &Sent, w: &Words, cats: &Cats, spans: Spans) -> Spans {
    let mut out = Vec::with_capacity(spans.len());
    for (b, mut e, t) in spans {
        while e > b + 1 && t != MISC && w.days.contains(&s.atoms[e - 1].lower) {
            e -= 1;
        }
        if t != PER && e > b + 1 && gaz_bits(s.gaz[e - 1], cats.demonym) & UNIT != 0 {
            // "Paris French": a place, then a demonym. A MISC span is split only when
            // what comes before the demonym is a place on its own ("Anglo French" stays).
            let place = e == b + 2
                && (gaz_bits(s.gaz[b], cats.city) | gaz_bits(s.gaz[b], cats.country)) & UNIT != 0;
            if t != MISC || place {
                out.push((b, e - 1, if t == MISC { LOC } else { t }));
                out.push((e - 1, e, MISC));
                continue;
            }
        }
        if t != PER {
            let last = &s.atoms[e - 1];
            let law = e > b + 1 && last.flags & CAP != 0 && w.laws.contains(&last.lower);
            out.push((b, e, if law { MISC } else { t }));
            continue;
        }
        let mut start = b;
        for k in b + 1..e {
            let a = &s.atoms[k];
            let repeats = s.atoms[start..k].iter().any(|p| p.lower == a.lower)
                && a.flags & ALLCAPS == 0
                && !is_initial_shape(s, k);
            let given = gaz_bits(s.gaz[k], cats.given) & STARTS != 0
                && gaz_bits(s.gaz[k], cats.surname) == 0;
            let after_surname = gaz_bits(s.gaz[k - 1], cats.given) == 0
                && s.atoms[k - 1].flags & ALPHA != 0
                && !is_initial_shape(s, k - 1);
            let run_on = given && after_surname && (k >= start + 2 || e - start >= 3);
            if repeats || run_on {
                out.push((start, k, t));
                start = k;
            }
        }
        out.push((start, e, t));
    }
    out
}

/// "J." and "J" (a capital alone, with or without a full stop): middle initials.
/// A person span ending at `e` stops on a dotted initial with a capitalised word
/// after it: "Donald J." before "Trump".
fn open_initial(s: &Sent, e: usize) -> bool {
    e < s.atoms.len()
        && s.atoms[e - 1].shape == initial_shapes().0
        && s.atoms[e].flags & CAP != 0
        && s.atoms[e].flags & ALPHA != 0
}

/// A person's name never ends on a middle initial: "Donald J." followed by "Trump"
/// takes the surname in (a person span after it joins; a span of another type after
/// it is left alone).
fn extend_past_initial(s: &Sent, spans: Spans) -> Spans {
    let mut out: Spans = Vec::with_capacity(spans.len());
    let mut it = spans.into_iter().peekable();
    while let Some((b, e, t)) = it.next() {
        if t != PER || !open_initial(s, e) {
            out.push((b, e, t));
            continue;
        }
        match it.peek() {
            Some(&(nb, ne, nt)) if nb == e => {
                if nt == PER {
                    it.next();
                    out.push((b, ne, t));
                } else {
                    out.push((b, e, t));
                }
            }
            _ => out.push((b, e + 1, t)),
        }
    }
    out
}

fn is_initial_shape(s: &Sent, k: usize) -> bool {
    s.atoms[k].shape == initial_shapes().0 || s.atoms[k].shape == initial_shapes().1
}

fn initial_shapes() -> (u64, u64) {
    static S: OnceLock<(u64, u64)> = OnceLock::new();
    *S.get_or_init(|| {
        let a = super::features::atoms("J.");
        let b = super::features::atoms("J");
        (a.shape, b.shape)
    })
}

/// "D" in "(D-Calif.)" or "(D)": the party of a US politician (tokenised apart from
/// the state, see `segment::party_tag`) is not a place or a person.
fn party_letter(s: &Sent, w: &Words, k: usize) -> bool {
    let is = |i: usize, h: u64| s.atoms.get(i).is_some_and(|a| a.lower == h);
    s.atoms[k].flags & CAP != 0
        && w.party.contains(&s.atoms[k].lower)
        && ((is(k + 1, w.hyphen) && s.atoms.get(k + 2).is_some_and(|a| a.flags & CAP != 0))
            || (k > 0 && is(k - 1, w.open) && is(k + 1, w.close)))
}

/// The capitalised word after "Mr"/"Mrs"/"Ms" is a person's name, even where the
/// tagger saw a month ("Mrs May") or nothing at all; a name it tagged as another type
/// becomes a person.
fn name_after_honorific(s: &Sent, w: &Words, spans: &mut Spans) {
    let n = s.atoms.len();
    for i in 0..n.saturating_sub(1) {
        if !w.personal.contains(&s.atoms[i].lower) {
            continue;
        }
        let next = i + 1;
        if let Some(sp) = spans.iter_mut().find(|sp| sp.0 == next) {
            sp.2 = PER;
            continue;
        }
        if spans.iter().any(|sp| sp.0 < next && next < sp.1) {
            continue;
        }
        let cap = |k: usize| {
            let a = &s.atoms[k];
            a.flags & ALPHA != 0 && a.flags & CAP != 0
        };
        if !cap(next) {
            continue;
        }
        let mut e = next + 1;
        while e < n && e < next + 3 && cap(e) && !spans.iter().any(|sp| sp.0 <= e && e < sp.1) {
            e += 1;
        }
        spans.push((next, e, PER));
    }
    spans.sort_unstable();
}
