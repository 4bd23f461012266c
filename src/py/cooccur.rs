//! Binding for co-occurrence counting: mention columns in, one sparse matrix (CSR
//! arrays) per group out, plus association measures over stored cells.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use super::{run, Articles, Threads};
use crate::core::cooccur::{self, Count, DocInput, Measure, Occurrence, Options, Scope};
use crate::core::offsets::CharOffsets;
use crate::core::{Article, Error, Result as CoreResult, Span};

/// A column of non-negative int64 values, copied; `n`: the length it must have.
fn column(name: &str, a: &PyReadonlyArray1<'_, i64>, n: Option<usize>) -> CoreResult<Vec<i64>> {
    column_as(name, a, n, Some)
}

/// [`column`] as u32, half the memory; a value above `u32::MAX` is an error.
fn column_u32(name: &str, a: &PyReadonlyArray1<'_, i64>, n: Option<usize>) -> CoreResult<Vec<u32>> {
    column_as(name, a, n, |x| u32::try_from(x).ok())
}

/// The checked copy behind [`column`]: errors name the column and the first bad row.
fn column_as<T>(
    name: &str,
    a: &PyReadonlyArray1<'_, i64>,
    n: Option<usize>,
    convert: impl Fn(i64) -> Option<T>,
) -> CoreResult<Vec<T>> {
    checked(name, a, n, false, convert)
}

/// [`column_as`], or with `signed` one where `convert` decides about negative values
/// too.
fn checked<T>(
    name: &str,
    a: &PyReadonlyArray1<'_, i64>,
    n: Option<usize>,
    signed: bool,
    convert: impl Fn(i64) -> Option<T>,
) -> CoreResult<Vec<T>> {
    let a = a.as_array();
    if let Some(n) = n {
        if a.len() != n {
            return Err(Error::input(format!(
                "{name} has {} values, but doc has {n}",
                a.len()
            )));
        }
    }
    a.iter()
        .enumerate()
        .map(|(i, &x)| {
            if x < 0 && !signed {
                return Err(Error::input(format!(
                    "{name}[{i}] is {x}: {name} values must not be negative"
                )));
            }
            convert(x).ok_or_else(|| Error::input(format!("{name}[{i}] is {x}, out of range")))
        })
        .collect()
}

/// Token index range `[first, last)` of the tokens overlapping character span
/// `[start, end)`, given the tokens' character spans.
fn token_range(tokens: &[Span], start: i64, end: i64) -> (u32, u32) {
    let first = tokens.partition_point(|t| (t.end as i64) <= start);
    let last = tokens.partition_point(|t| (t.start as i64) < end);
    let last = last.max(first + 1);
    (first as u32, last as u32)
}

/// The tokens of an article as character spans. Most news text is ASCII, where byte
/// and character offsets agree: then the decoded byte spans serve as they are.
fn token_chars(a: &Article) -> Vec<Span> {
    if a.text.is_ascii() {
        return a.tokens.spans();
    }
    let mut conv = CharOffsets::new(&a.text);
    a.tokens
        .iter()
        .map(|t| Span::new(conv.get(t.start as usize), conv.get(t.end as usize)))
        .collect()
}

fn to_u32(name: &str, i: usize, x: i64) -> CoreResult<u32> {
    u32::try_from(x).map_err(|_| Error::input(format!("{name}[{i}] is {x}, out of range")))
}

/// Count co-occurrences of entity mentions over parsed articles.
///
/// `doc` (document positions), `paragraph`, `sentence` (within the document),
/// `start`, `end` (character offsets into the article text) and `entity` (index below
/// `n_entities`) are int64 arrays, one value per mention. `group` gives each document
/// a group index below `n_groups`, or -1 to leave it out; `None` puts every document
/// in group 0. Returns one dict per group: `indptr`, `indices` (int64), `data`
/// (float64) of a CSR matrix of `n_entities` rows, `marginals` (float64, per entity)
/// and `n` (the number of contexts). See `core::cooccur` for the definitions.
#[pyfunction]
#[pyo3(signature = (articles, doc, paragraph, sentence, start, end, entity, n_entities,
                    scope="sentence", window=None, count="contexts", ordered=false,
                    self_pairs=false, weights=None, group=None, n_groups=1, threads=None))]
#[allow(clippy::too_many_arguments)]
fn cooccur_counts<'py>(
    py: Python<'py>,
    articles: &Articles,
    doc: PyReadonlyArray1<'_, i64>,
    paragraph: PyReadonlyArray1<'_, i64>,
    sentence: PyReadonlyArray1<'_, i64>,
    start: PyReadonlyArray1<'_, i64>,
    end: PyReadonlyArray1<'_, i64>,
    entity: PyReadonlyArray1<'_, i64>,
    n_entities: i64,
    scope: &str,
    window: Option<i64>,
    count: &str,
    ordered: bool,
    self_pairs: bool,
    weights: Option<Vec<f64>>,
    group: Option<PyReadonlyArray1<'_, i64>>,
    n_groups: i64,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyList>> {
    let err = |e: Error| super::to_py(py, e);
    let (opts, n_entities, n_groups) = options(
        scope, window, count, ordered, self_pairs, weights, n_entities, n_groups,
    )
    .map_err(err)?;
    let n_docs = articles.docs.len();
    let cols =
        Columns::read(&doc, &paragraph, &sentence, &start, &end, &entity, false).map_err(err)?;
    let group: Option<Vec<i64>> = group.map(|g| g.as_array().to_vec());
    let docs = &articles.docs;
    let mats = run(py, threads, move || {
        count_docs(
            cols,
            n_docs,
            group.as_deref(),
            n_entities,
            n_groups,
            &opts,
            |cols, d, rows| {
                let a = &docs[d];
                let mut occurrences = Vec::with_capacity(rows.len());
                if !rows.is_empty() {
                    let spans = token_chars(a);
                    for &i in rows {
                        let i = i as usize;
                        let (s, e) = token_range(&spans, cols.start[i] as i64, cols.end[i] as i64);
                        occurrences.push(cols.occurrence(i, s, e));
                    }
                }
                Ok((
                    occurrences,
                    a.paragraphs.len() as u32,
                    a.sentences.len() as u32,
                ))
            },
        )
    })?;
    matrices_to_py(py, mats)
}

/// An association measure for every stored cell of a CSR count matrix: float64 array
/// aligned with `data`. `measure` is one of `cooccur_measures()` or "count".
#[pyfunction]
#[pyo3(signature = (indptr, indices, data, marginals, n, measure, threads=None))]
#[allow(clippy::too_many_arguments)]
fn cooccur_measure<'py>(
    py: Python<'py>,
    indptr: PyReadonlyArray1<'_, i64>,
    indices: PyReadonlyArray1<'_, i64>,
    data: PyReadonlyArray1<'_, f64>,
    marginals: PyReadonlyArray1<'_, f64>,
    n: f64,
    measure: &str,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyAny>> {
    let measure = Measure::parse(measure).map_err(|e| super::to_py(py, e))?;
    let (indptr, indices) = (indptr.as_array().to_vec(), indices.as_array().to_vec());
    let (data, marginals) = (data.as_array().to_vec(), marginals.as_array().to_vec());
    let out = run(py, threads, move || {
        cooccur::measure_csr(&indptr, &indices, &data, &marginals, n, measure)
    })?;
    Ok(out.into_pyarray(py).into_any())
}

/// Names of the association measures, in display order.
#[pyfunction]
fn cooccur_measures() -> Vec<&'static str> {
    cooccur::MEASURES.to_vec()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cooccur_counts, m)?)?;
    m.add_function(wrap_pyfunction!(cooccur_measure, m)?)?;
    m.add_function(wrap_pyfunction!(cooccur_measures, m)?)?;
    m.add_function(wrap_pyfunction!(cooccur_counts_tokens, m)?)?;
    m.add_function(wrap_pyfunction!(mention_tokens, m)?)?;
    Ok(())
}

// -- shared by both counting entry points ------------------------------------------------

/// Check and build the counting options, and the entity and group counts as sizes.
#[allow(clippy::too_many_arguments)]
fn options(
    scope: &str,
    window: Option<i64>,
    count: &str,
    ordered: bool,
    self_pairs: bool,
    weights: Option<Vec<f64>>,
    n_entities: i64,
    n_groups: i64,
) -> CoreResult<(Options, usize, usize)> {
    let opts = Options {
        scope: Scope::parse(scope, window)?,
        count: Count::parse(count)?,
        ordered,
        self_pairs,
        weights,
    };
    opts.validate()?;
    if n_entities < 0 {
        return Err(Error::input(format!(
            "n_entities is {n_entities}: it must not be negative"
        )));
    }
    if n_groups < 1 {
        return Err(Error::input(format!(
            "n_groups is {n_groups}: it must be at least 1"
        )));
    }
    Ok((opts, n_entities as usize, n_groups as usize))
}

/// Mention columns, one value per mention: document position, paragraph, sentence,
/// a span (`start`, `end`: characters or tokens, as the entry point says) and entity.
/// Mention columns as u32 (checked when read): half the memory of the int64 input
/// while the documents' inputs are built.
struct Columns {
    doc: Vec<u32>,
    paragraph: Vec<u32>,
    sentence: Vec<u32>,
    start: Vec<u32>,
    end: Vec<u32>,
    entity: Vec<u32>,
}

/// A headline mention's paragraph and sentence (-1 in the mention table).
const HEADLINE: u32 = u32::MAX;

/// Token distance between a document's body and its headline in window counting:
/// more than any window anyone asks for, and within u32 with any article's tokens.
const HEADLINE_GAP: u32 = 1 << 30;

impl Columns {
    /// `headlines`: a paragraph or sentence of -1 marks a headline mention (read as
    /// [`HEADLINE`]) instead of being an error.
    fn read(
        doc: &PyReadonlyArray1<'_, i64>,
        paragraph: &PyReadonlyArray1<'_, i64>,
        sentence: &PyReadonlyArray1<'_, i64>,
        start: &PyReadonlyArray1<'_, i64>,
        end: &PyReadonlyArray1<'_, i64>,
        entity: &PyReadonlyArray1<'_, i64>,
        headlines: bool,
    ) -> CoreResult<Columns> {
        let doc = column_u32("doc", doc, None)?;
        let n = Some(doc.len());
        let part = |name: &str, a: &PyReadonlyArray1<'_, i64>| {
            if headlines {
                checked(name, a, n, true, |x| match x {
                    -1 => Some(HEADLINE),
                    _ => u32::try_from(x).ok().filter(|&v| v != HEADLINE),
                })
            } else {
                column_u32(name, a, n)
            }
        };
        Ok(Columns {
            paragraph: part("paragraph", paragraph)?,
            sentence: part("sentence", sentence)?,
            start: column_u32("start", start, n)?,
            end: column_u32("end", end, n)?,
            entity: column_u32("entity", entity, n)?,
            doc,
        })
    }

    /// Mention `i` with token range `[s, e)`.
    fn occurrence(&self, i: usize, s: u32, e: u32) -> Occurrence {
        Occurrence {
            entity: self.entity[i],
            paragraph: self.paragraph[i],
            sentence: self.sentence[i],
            token_start: s,
            token_end: e,
        }
    }
}

/// Check the groups, bucket mention rows by document, build each document's input
/// with `per_doc(cols, d, rows)` -> (occurrences, paragraphs, sentences), and count.
/// The columns are dropped before counting, which needs memory of its own.
fn count_docs(
    cols: Columns,
    n_docs: usize,
    group: Option<&[i64]>,
    n_entities: usize,
    n_groups: usize,
    opts: &Options,
    per_doc: impl Fn(&Columns, usize, &[u32]) -> CoreResult<(Vec<Occurrence>, u32, u32)> + Sync,
) -> CoreResult<Vec<cooccur::Matrix>> {
    if let Some(g) = group {
        if g.len() != n_docs {
            return Err(Error::input(format!(
                "group has {} values for {n_docs} documents",
                g.len()
            )));
        }
        if let Some((i, x)) = g
            .iter()
            .enumerate()
            .find(|(_, x)| **x < -1 || **x >= n_groups as i64)
        {
            return Err(Error::input(format!(
                "group[{i}] is {x}: groups must be -1 (left out) or below n_groups={n_groups}"
            )));
        }
    }
    let doc = &cols.doc;
    if doc.len() >= u32::MAX as usize {
        return Err(Error::input(format!(
            "{} mentions in one call is more than the {} supported: count in batches",
            doc.len(),
            u32::MAX - 1
        )));
    }
    let mut counts = vec![0usize; n_docs + 1];
    for (i, &d) in doc.iter().enumerate() {
        if d as usize >= n_docs {
            return Err(Error::input(format!(
                "doc[{i}] is {d}, but there are {n_docs} documents"
            )));
        }
        counts[d as usize + 1] += 1;
    }
    for i in 0..n_docs {
        counts[i + 1] += counts[i];
    }
    let mut order = vec![0u32; doc.len()];
    let mut fill = counts.clone();
    for (i, &d) in doc.iter().enumerate() {
        order[fill[d as usize]] = i as u32;
        fill[d as usize] += 1;
    }
    let inputs: Vec<DocInput> = (0..n_docs)
        .into_par_iter()
        .map(|d| {
            let (occurrences, n_paragraphs, n_sentences) =
                per_doc(&cols, d, &order[counts[d]..counts[d + 1]])?;
            Ok(DocInput {
                occurrences,
                n_paragraphs,
                n_sentences,
                group: match group {
                    Some(g) if g[d] < 0 => None,
                    Some(g) => Some(g[d] as u32),
                    None => Some(0),
                },
            })
        })
        .collect::<CoreResult<_>>()?;
    drop((cols, order, counts));
    cooccur::count(&inputs, n_entities, n_groups, opts)
}

fn matrices_to_py(py: Python<'_>, mats: Vec<cooccur::Matrix>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for m in mats {
        let d = PyDict::new(py);
        d.set_item("indptr", m.indptr.into_pyarray(py))?;
        d.set_item("indices", m.indices.into_pyarray(py))?;
        d.set_item("data", m.data.into_pyarray(py))?;
        d.set_item("marginals", m.marginals.into_pyarray(py))?;
        d.set_item("n", m.n)?;
        out.append(d)?;
    }
    Ok(out)
}

/// Count co-occurrences from mentions already placed on tokens, without the articles
/// (for corpora streamed in batches, whose texts are gone).
///
/// As `cooccur_counts`, but `token_start`, `token_end` are token indexes within the
/// document (half-open), and `n_paragraphs`, `n_sentences` give every document's
/// paragraph and sentence counts (for `N`); their length is the number of documents.
///
/// With `n_tokens` (every document's token count), a paragraph and sentence of -1
/// mark a headline mention: the headline is one more paragraph and sentence of its
/// document, after the body's, its tokens `HEADLINE_GAP` beyond the body's so that no
/// window joins the two.
#[pyfunction]
#[pyo3(signature = (doc, paragraph, sentence, token_start, token_end, entity, n_entities,
                    n_paragraphs, n_sentences, scope="sentence", window=None,
                    count="contexts", ordered=false, self_pairs=false, weights=None,
                    group=None, n_groups=1, n_tokens=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn cooccur_counts_tokens<'py>(
    py: Python<'py>,
    doc: PyReadonlyArray1<'_, i64>,
    paragraph: PyReadonlyArray1<'_, i64>,
    sentence: PyReadonlyArray1<'_, i64>,
    token_start: PyReadonlyArray1<'_, i64>,
    token_end: PyReadonlyArray1<'_, i64>,
    entity: PyReadonlyArray1<'_, i64>,
    n_entities: i64,
    n_paragraphs: PyReadonlyArray1<'_, i64>,
    n_sentences: PyReadonlyArray1<'_, i64>,
    scope: &str,
    window: Option<i64>,
    count: &str,
    ordered: bool,
    self_pairs: bool,
    weights: Option<Vec<f64>>,
    group: Option<PyReadonlyArray1<'_, i64>>,
    n_groups: i64,
    n_tokens: Option<PyReadonlyArray1<'_, i64>>,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyList>> {
    let err = |e: Error| super::to_py(py, e);
    let (opts, n_entities, n_groups) = options(
        scope, window, count, ordered, self_pairs, weights, n_entities, n_groups,
    )
    .map_err(err)?;
    let cols = Columns::read(
        &doc,
        &paragraph,
        &sentence,
        &token_start,
        &token_end,
        &entity,
        n_tokens.is_some(),
    )
    .map_err(err)?;
    let n_par = column("n_paragraphs", &n_paragraphs, None).map_err(err)?;
    let n_docs = n_par.len();
    let n_sent = column("n_sentences", &n_sentences, Some(n_docs)).map_err(err)?;
    let n_tok = n_tokens
        .map(|t| column("n_tokens", &t, Some(n_docs)))
        .transpose()
        .map_err(err)?;
    let group: Option<Vec<i64>> = group.map(|g| g.as_array().to_vec());
    let mats = run(py, threads, move || {
        count_docs(
            cols,
            n_docs,
            group.as_deref(),
            n_entities,
            n_groups,
            &opts,
            |cols, d, rows| {
                let mut occurrences = Vec::with_capacity(rows.len());
                let n_p = to_u32("n_paragraphs", d, n_par[d])?;
                let n_s = to_u32("n_sentences", d, n_sent[d])?;
                let mut titled = false;
                for &i in rows {
                    let i = i as usize;
                    let (s, e) = (cols.start[i], cols.end[i]);
                    if e <= s {
                        return Err(Error::input(format!(
                            "token_end[{i}] is {e}, not after token_start[{i}] = {s}"
                        )));
                    }
                    let head = cols.paragraph[i] == HEADLINE || cols.sentence[i] == HEADLINE;
                    match (&n_tok, head) {
                        (Some(n_tok), true) => {
                            if cols.paragraph[i] != cols.sentence[i] {
                                return Err(Error::input(format!(
                                    "paragraph[{i}] and sentence[{i}]: a headline mention \
                                     has -1 in both"
                                )));
                            }
                            titled = true;
                            let shift = to_u32("n_tokens", d, n_tok[d])?
                                .checked_add(HEADLINE_GAP)
                                .filter(|x| x.checked_add(e).is_some())
                                .ok_or_else(|| {
                                    Error::input(format!("n_tokens[{d}] is too large"))
                                })?;
                            let mut o = cols.occurrence(i, s + shift, e + shift);
                            (o.paragraph, o.sentence) = (n_p, n_s);
                            occurrences.push(o);
                        }
                        _ => occurrences.push(cols.occurrence(i, s, e)),
                    }
                }
                let extra = u32::from(titled);
                Ok((
                    occurrences,
                    n_p.saturating_add(extra),
                    n_s.saturating_add(extra),
                ))
            },
        )
    })?;
    matrices_to_py(py, mats)
}

/// Token ranges `[token_start, token_end)` (token indexes within the document) of
/// mentions given as character spans `start`, `end` in document `doc`, exactly as
/// `cooccur_counts` places them. Returns two int64 arrays.
#[pyfunction]
#[pyo3(signature = (articles, doc, start, end, threads=None))]
fn mention_tokens<'py>(
    py: Python<'py>,
    articles: &Articles,
    doc: PyReadonlyArray1<'_, i64>,
    start: PyReadonlyArray1<'_, i64>,
    end: PyReadonlyArray1<'_, i64>,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyAny>> {
    let err = |e: Error| super::to_py(py, e);
    let doc = column("doc", &doc, None).map_err(err)?;
    let n = Some(doc.len());
    let start = column("start", &start, n).map_err(err)?;
    let end = column("end", &end, n).map_err(err)?;
    let docs = &articles.docs;
    let (ts, te) = run(py, threads, move || {
        let n_docs = docs.len();
        if let Some((i, d)) = doc.iter().enumerate().find(|(_, d)| **d as usize >= n_docs) {
            return Err(Error::input(format!(
                "doc[{i}] is {d}, but there are {n_docs} documents"
            )));
        }
        // Runs of mentions of one document share its token offsets.
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut i = 0;
        while i < doc.len() {
            let j = i + doc[i..].partition_point(|&d| d == doc[i]);
            runs.push(i..j);
            i = j;
        }
        let parts: Vec<Vec<(i64, i64)>> = runs
            .par_iter()
            .map(|r| {
                let spans = token_chars(&docs[doc[r.start] as usize]);
                r.clone()
                    .map(|k| {
                        let (a, b) = token_range(&spans, start[k], end[k]);
                        (a as i64, b as i64)
                    })
                    .collect()
            })
            .collect();
        let (a, b): (Vec<i64>, Vec<i64>) = parts.into_iter().flatten().unzip();
        Ok((a, b))
    })?;
    Ok((ts.into_pyarray(py), te.into_pyarray(py))
        .into_pyobject(py)?
        .into_any())
}

#[cfg(test)]
mod tests {
    use super::{token_chars, token_range};
    use crate::core::{parse_article, Span};

    #[test]
    fn spans_to_tokens() {
        // Tokens at chars [0,5) [6,11) [11,12).
        let t = [Span::new(0, 5), Span::new(6, 11), Span::new(11, 12)];
        assert_eq!(token_range(&t, 0, 5), (0, 1));
        assert_eq!(token_range(&t, 6, 12), (1, 3));
        assert_eq!(token_range(&t, 2, 8), (0, 2));
        assert_eq!(token_range(&t, 5, 6), (1, 2)); // only whitespace: zero width
    }

    #[test]
    fn token_chars_count_characters_not_bytes() {
        let ascii = parse_article("Kyiv said so.").expect("parses");
        assert_eq!(token_chars(&ascii), ascii.tokens.spans());
        let a = parse_article("Zelenskyy’s aide spoke.").expect("parses");
        let chars = token_chars(&a);
        let text: Vec<char> = a.text.chars().collect();
        assert_eq!(chars.len(), a.tokens.len());
        for (t, c) in a.tokens.iter().zip(chars.iter()) {
            let by_char: String = text[c.start as usize..c.end as usize].iter().collect();
            assert_eq!(by_char, &a.text[t.range()]);
        }
    }
}
