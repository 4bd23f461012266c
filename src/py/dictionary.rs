//! Binding for user dictionaries: compile once in Rust, match over `Articles` in
//! parallel, return columns.

use std::sync::Arc;

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use super::{to_py, Articles, Threads};
use crate::core::dictionary::Dictionary;
use crate::core::offsets::CharOffsets;

/// A compiled dictionary: keys and their patterns, matched over whole tokens.
#[pyclass(module = "newsgraph._core", frozen)]
pub struct DictionaryCore {
    inner: Arc<Dictionary>,
}

#[pymethods]
impl DictionaryCore {
    #[new]
    #[pyo3(signature = (entries, case_sensitive=false))]
    fn new(
        py: Python<'_>,
        entries: Vec<(String, Vec<String>)>,
        case_sensitive: bool,
    ) -> PyResult<Self> {
        let inner = Dictionary::new(entries, case_sensitive).map_err(|e| to_py(py, e))?;
        Ok(DictionaryCore {
            inner: Arc::new(inner),
        })
    }

    /// Key names, in first-seen order; the `key` column of matches indexes this.
    fn keys(&self) -> Vec<String> {
        self.inner.keys().to_vec()
    }

    /// Number of distinct (key, pattern) pairs.
    fn __len__(&self) -> usize {
        self.inner.n_patterns()
    }

    #[getter]
    fn case_sensitive(&self) -> bool {
        self.inner.case_sensitive()
    }
}

/// Per document: (sentence, char start, char end, key, byte range of the matched text).
/// One match: sentence, character span, key, token span (within the document) and
/// byte range of its text.
struct Found {
    sentence: i64,
    start: i64,
    end: i64,
    key: i64,
    tokens: (i64, i64),
    bytes: std::ops::Range<usize>,
}

fn doc_matches(dict: &Dictionary, a: &crate::core::Article) -> Vec<Found> {
    let mut conv = CharOffsets::new(&a.text);
    let mut last: Option<(usize, usize, i64, i64)> = None;
    let found = dict.match_article(a);
    let spans = if found.is_empty() {
        Vec::new()
    } else {
        a.tokens.spans()
    };
    found
        .into_iter()
        .map(|(s, m)| {
            let (b0, b1) = (spans[m.start].start as usize, spans[m.end - 1].end as usize);
            // Several keys on one span repeat it: reuse rather than walk back.
            let (c0, c1) = match last {
                Some((x0, x1, c0, c1)) if (x0, x1) == (b0, b1) => (c0, c1),
                _ => (conv.get(b0) as i64, conv.get(b1) as i64),
            };
            last = Some((b0, b1, c0, c1));
            Found {
                sentence: s as i64,
                start: c0,
                end: c1,
                key: m.key as i64,
                tokens: (m.start as i64, m.end as i64),
                bytes: b0..b1,
            }
        })
        .collect()
}

/// Dictionary matches over all articles, in document order.
///
/// Returns columns: `doc` (document position), `paragraph` and `sentence` (within the
/// document),
/// `start`, `end` (character offsets into the article text), `key` (index into
/// `dictionary.keys()`), all int64 arrays, and `text` (list of the matched text).
#[pyfunction]
#[pyo3(signature = (articles, dictionary, threads=None, progress=false))]
fn dictionary_matches<'py>(
    py: Python<'py>,
    articles: &Articles,
    dictionary: &DictionaryCore,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = Arc::clone(&dictionary.inner);
    let docs = &articles.docs;
    let bar = super::bar(progress, docs.len(), "dictionary");
    let per_doc: Vec<Vec<Found>> = super::run_with_progress(py, threads, bar, |p| {
        docs.par_iter()
            .map(|a| {
                p.check()?;
                p.tick(1);
                Ok(doc_matches(&dict, a))
            })
            .collect()
    })?;
    let n: usize = per_doc.iter().map(Vec::len).sum();
    let mut doc = Vec::with_capacity(n);
    let mut paragraph = Vec::with_capacity(n);
    let mut sentence = Vec::with_capacity(n);
    let mut start = Vec::with_capacity(n);
    let mut end = Vec::with_capacity(n);
    let mut key = Vec::with_capacity(n);
    let mut token_start = Vec::with_capacity(n);
    let mut token_end = Vec::with_capacity(n);
    let mut ranges = Vec::with_capacity(n);
    for (i, rows) in per_doc.into_iter().enumerate() {
        for f in rows {
            doc.push(i as i64);
            paragraph.push(docs[i].sentences[f.sentence as usize].paragraph as i64);
            sentence.push(f.sentence);
            start.push(f.start);
            end.push(f.end);
            key.push(f.key);
            token_start.push(f.tokens.0);
            token_end.push(f.tokens.1);
            ranges.push((i, f.bytes));
        }
    }
    let d = PyDict::new(py);
    d.set_item("doc", doc.into_pyarray(py))?;
    d.set_item("paragraph", paragraph.into_pyarray(py))?;
    d.set_item("sentence", sentence.into_pyarray(py))?;
    d.set_item("start", start.into_pyarray(py))?;
    d.set_item("end", end.into_pyarray(py))?;
    d.set_item("key", key.into_pyarray(py))?;
    d.set_item("token_start", token_start.into_pyarray(py))?;
    d.set_item("token_end", token_end.into_pyarray(py))?;
    let (form, forms) = super::intern(ranges.into_iter().map(|(i, r)| &docs[i].text[r]));
    d.set_item("form", form.into_pyarray(py))?;
    d.set_item("forms", PyList::new(py, forms)?)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DictionaryCore>()?;
    m.add_function(wrap_pyfunction!(dictionary_matches, m)?)?;
    Ok(())
}
