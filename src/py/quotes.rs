//! Binding for quotations: parsed articles and their mentions' tokens in, one column
//! per field out (character offsets, -1 where a quote has no cue or speaker).

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use super::{bar, run_with_progress, Articles, Threads};
use crate::core::offsets::CharOffsets;
use crate::core::quotes::{find_quotes, Kind, Label, MentionRef, Quote};
use crate::core::{Error, Span};

/// The quotations of every article. `doc`, `token_start`, `token_end` and `label`
/// (0 person, 1 organisation, 2 other) describe the body mentions, sorted by
/// document; a quote's `mention` is a row of those arrays, or -1.
#[pyfunction]
#[pyo3(signature = (articles, doc, token_start, token_end, label, threads=None, progress=false))]
#[allow(clippy::too_many_arguments)]
fn find_quotations<'py>(
    py: Python<'py>,
    articles: &Articles,
    doc: PyReadonlyArray1<'_, i64>,
    token_start: PyReadonlyArray1<'_, i64>,
    token_end: PyReadonlyArray1<'_, i64>,
    label: PyReadonlyArray1<'_, i64>,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (doc, ts, te, label) = (
        doc.as_array().to_vec(),
        token_start.as_array().to_vec(),
        token_end.as_array().to_vec(),
        label.as_array().to_vec(),
    );
    let docs = &articles.docs;
    let n = doc.len();
    if ts.len() != n || te.len() != n || label.len() != n {
        return Err(super::to_py(
            py,
            Error::input(format!(
                "mention columns differ in length: doc {n}, token_start {}, token_end {}, label {}",
                ts.len(),
                te.len(),
                label.len()
            )),
        ));
    }
    let rows = run_with_progress(py, threads, bar(progress, docs.len(), "quotes"), |p| {
        // Per document, the rows of its mentions: the columns are sorted by document.
        let mut first = Vec::with_capacity(docs.len() + 1);
        let mut i = 0;
        for d in 0..docs.len() {
            first.push(i);
            while i < n && doc[i] == d as i64 {
                i += 1;
            }
        }
        first.push(i);
        if i != n {
            return Err(Error::input(format!(
                "mention {i}: doc {} is not sorted or not below {}",
                doc[i],
                docs.len()
            )));
        }
        docs.par_iter()
            .enumerate()
            .map(|(d, a)| {
                p.check()?;
                p.tick(1);
                let (lo, hi) = (first[d], first[d + 1]);
                let n_tok = a.tokens.len() as i64;
                let mut refs = Vec::with_capacity(hi - lo);
                for k in lo..hi {
                    if !(0 <= ts[k] && ts[k] < te[k] && te[k] <= n_tok) {
                        return Err(Error::input(format!(
                            "mention {k}: tokens {}..{} do not fit document {d} of {n_tok} tokens",
                            ts[k], te[k]
                        )));
                    }
                    refs.push(MentionRef {
                        first: ts[k] as u32,
                        end: te[k] as u32,
                        label: match label[k] {
                            0 => Label::Person,
                            1 => Label::Organisation,
                            _ => Label::Other,
                        },
                    });
                }
                let quotes = find_quotes(a, &refs);
                Ok(chars(&a.text, quotes, lo))
            })
            .collect::<crate::core::Result<Vec<Vec<Row>>>>()
    })?;
    let mut cols: [Vec<i64>; 11] = Default::default();
    let mut words: Vec<Vec<[Option<std::ops::Range<usize>>; 3]>> = Vec::with_capacity(rows.len());
    for (d, quotes) in rows.into_iter().enumerate() {
        words.push(quotes.iter().map(|r| r.bytes.clone()).collect());
        for r in quotes {
            let vals = [
                d as i64,
                r.paragraph,
                r.sentence,
                r.start,
                r.end,
                r.kind,
                r.cue.0,
                r.cue.1,
                r.speaker.0,
                r.speaker.1,
                r.mention,
            ];
            for (c, v) in cols.iter_mut().zip(vals) {
                c.push(v);
            }
        }
    }
    let out = PyDict::new(py);
    // The words themselves, sliced here: a Python loop slicing 200,000 quotes out of
    // their texts took a third of the call.
    for (name, pick) in [("text", 0usize), ("cue", 1), ("speaker", 2)] {
        let items = words.iter().enumerate().flat_map(|(d, strings)| {
            let text = &docs[d].text;
            strings
                .iter()
                .map(move |w| w[pick].clone().map(|r| &text[r]))
        });
        out.set_item(name, pyo3::types::PyList::new(py, items)?)?;
    }
    let names = [
        "doc",
        "paragraph",
        "sentence",
        "start",
        "end",
        "kind",
        "cue_start",
        "cue_end",
        "speaker_start",
        "speaker_end",
        "mention",
    ];
    for (name, c) in names.into_iter().zip(cols) {
        out.set_item(name, c.into_pyarray(py))?;
    }
    Ok(out)
}

struct Row {
    /// Byte ranges of the quote, its cue and its speaker, for slicing the words.
    bytes: [Option<std::ops::Range<usize>>; 3],
    paragraph: i64,
    sentence: i64,
    start: i64,
    end: i64,
    kind: i64,
    cue: (i64, i64),
    speaker: (i64, i64),
    mention: i64,
}

/// The quotes with character offsets. Offsets are converted in increasing order, as
/// [`CharOffsets`] walks forward; speakers often stand before their quotes.
fn chars(text: &str, quotes: Vec<Quote>, first_mention: usize) -> Vec<Row> {
    let mut bytes: Vec<u32> = Vec::with_capacity(quotes.len() * 6);
    let spans = |q: &Quote| [Some(q.span), q.cue, q.speaker];
    for q in &quotes {
        for s in spans(q).into_iter().flatten() {
            bytes.extend([s.start, s.end]);
        }
    }
    bytes.sort_unstable();
    bytes.dedup();
    let mut conv = CharOffsets::new(text);
    let char_of: Vec<i64> = bytes.iter().map(|&b| conv.get(b as usize) as i64).collect();
    let at = |b: u32| char_of[bytes.partition_point(|&x| x < b)];
    let pair = |s: Option<Span>| s.map_or((-1, -1), |s| (at(s.start), at(s.end)));
    quotes
        .iter()
        .map(|q| Row {
            bytes: [Some(q.span), q.cue, q.speaker].map(|s| s.map(Span::range)),
            paragraph: q.paragraph as i64,
            sentence: q.sentence as i64,
            start: at(q.span.start),
            end: at(q.span.end),
            kind: match q.kind {
                Kind::Direct => 0,
                Kind::Indirect => 1,
            },
            cue: pair(q.cue),
            speaker: pair(q.speaker),
            mention: q
                .mention
                .map_or(-1, |m| (first_mention + m as usize) as i64),
        })
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(find_quotations, m)?)?;
    Ok(())
}
