//! The label scheme: CoNLL entity types in BILOU encoding.
//!
//! BILOU (begin, inside, last, unit, outside) beat BIO for linear models in Ratinov &
//! Roth (2009); it also makes valid transitions easy to enforce in greedy decoding.

/// Entity types, in label-id order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// O plus B, I, L, U for each type.
pub const N_LABELS: usize = 1 + 4 * TYPES.len();

pub const O: u8 = 0;
const B: u8 = 0;
const I: u8 = 1;
const L: u8 = 2;
const U: u8 = 3;

/// Label id of `part` (0 B, 1 I, 2 L, 3 U) of entity type `t`.
pub fn label(t: usize, part: u8) -> u8 {
    1 + 4 * t as u8 + part
}

/// The entity type of a label, if it is not O.
pub fn type_of(l: u8) -> Option<usize> {
    (l != O).then(|| ((l - 1) / 4) as usize)
}

fn part_of(l: u8) -> u8 {
    (l - 1) % 4
}

/// Whether `l` leaves an entity open that the next token must continue.
pub fn is_open(l: u8) -> bool {
    l != O && matches!(part_of(l), B | I)
}

/// Whether `l` starts an entity (B or U).
pub fn begins(l: u8) -> bool {
    l != O && matches!(part_of(l), B | U)
}

/// Whether label `next` may follow label `prev` (use `O` before a sentence).
pub fn allowed(prev: u8, next: u8) -> bool {
    if is_open(prev) {
        next != O && type_of(next) == type_of(prev) && matches!(part_of(next), I | L)
    } else {
        next == O || matches!(part_of(next), B | U)
    }
}

/// Human-readable label name: "O", "B-PER", "L-LOC", ...
pub fn name(l: u8) -> String {
    match type_of(l) {
        None => "O".to_string(),
        Some(t) => format!("{}-{}", ["B", "I", "L", "U"][part_of(l) as usize], TYPES[t]),
    }
}

/// Entity spans `(first token, end token exclusive, type)` from a BILOU sequence.
/// Tolerates invalid sequences (an unclosed B, a stray I) so no entity is lost.
pub fn spans(labels: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    spans_into(labels, &mut out);
    out
}

/// [`spans`] appended to `out`, for callers that reuse one vector.
pub fn spans_into(labels: &[u8], out: &mut Vec<(usize, usize, usize)>) {
    let mut open: Option<(usize, usize)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let t = type_of(l);
        if let Some((s, ot)) = open {
            let continues = t == Some(ot) && matches!(part_of(l), I | L);
            if !continues {
                out.push((s, i, ot));
                open = None;
            }
        }
        if let Some(t) = t {
            match (part_of(l), open) {
                (U, _) => out.push((i, i + 1, t)),
                (L, Some((s, _))) => {
                    out.push((s, i + 1, t));
                    open = None;
                }
                (L, None) => out.push((i, i + 1, t)),
                (_, None) => open = Some((i, t)),
                (_, Some(_)) => {}
            }
        }
    }
    if let Some((s, t)) = open {
        out.push((s, labels.len(), t));
    }
}

/// BILOU labels for `n` tokens carrying the given spans.
pub fn from_spans(n: usize, spans: &[(usize, usize, usize)]) -> Vec<u8> {
    let mut out = vec![O; n];
    for &(s, e, t) in spans {
        if e == s + 1 {
            out[s] = label(t, U);
        } else if e > s + 1 {
            out[s] = label(t, B);
            for x in &mut out[s + 1..e - 1] {
                *x = label(t, I);
            }
            out[e - 1] = label(t, L);
        }
    }
    out
}

/// IOB2 tag names ("B-PER", "I-PER", "O") for a BILOU sequence.
pub fn to_iob2(labels: &[u8]) -> Vec<String> {
    let mut out = vec!["O".to_string(); labels.len()];
    for (s, e, t) in spans(labels) {
        out[s] = format!("B-{}", TYPES[t]);
        for x in &mut out[s + 1..e] {
            *x = format!("I-{}", TYPES[t]);
        }
    }
    out
}

/// Spans from CoNLL IOB1 or IOB2 tags ("I-PER", "B-LOC", "O"); unknown types are
/// skipped.
pub fn spans_from_iob(tags: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, ty) = tag.split_once('-').unwrap_or((tag, ""));
        let t = TYPES.iter().position(|x| *x == ty);
        let starts = match (t, open) {
            (None, _) => true,
            (Some(t), Some((_, ot))) => prefix == "B" || t != ot,
            (Some(_), None) => true,
        };
        if starts {
            if let Some((s, ot)) = open.take() {
                out.push((s, i, ot));
            }
            if let Some(t) = t {
                open = Some((i, t));
            }
        }
    }
    if let Some((s, t)) = open {
        out.push((s, tags.len(), t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        let b_per = label(0, B);
        let l_per = label(0, L);
        let i_loc = label(2, I);
        assert!(allowed(O, b_per));
        assert!(!allowed(O, l_per));
        assert!(allowed(b_per, l_per));
        assert!(!allowed(b_per, O));
        assert!(!allowed(b_per, i_loc));
        assert!(allowed(l_per, label(2, U)));
        assert_eq!(name(l_per), "L-PER");
        assert_eq!(N_LABELS, 17);
    }

    #[test]
    fn spans_round_trip_and_iob() {
        let sp = vec![(0, 2, 0), (2, 3, 2), (5, 8, 1)];
        let l = from_spans(9, &sp);
        assert_eq!(spans(&l), sp);
        assert_eq!(
            to_iob2(&l)[..4],
            ["B-PER", "I-PER", "B-LOC", "O"].map(String::from)
        );
        // IOB1: I- throughout, B- only between adjacent same-type entities.
        let tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"];
        assert_eq!(
            spans_from_iob(&tags),
            vec![(0, 2, 0), (2, 3, 0), (4, 5, 2), (5, 6, 1)]
        );
        // A stray I after O and an unclosed B still give entities.
        assert_eq!(
            spans(&[O, label(1, I), label(1, B)]),
            vec![(1, 2, 1), (2, 3, 1)]
        );
    }
}
