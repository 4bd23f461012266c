//! Binding for the entity tagger: loading, tagging token lists and parsed articles,
//! and training.

use std::sync::Arc;

use numpy::IntoPyArray;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::{bar, run, run_with_progress, Articles, Text, Threads};
use crate::core::ner::{self, labels, lexicon::Lexicon, train, Model};
use crate::core::offsets::CharOffsets;
use crate::core::{Error, Span};

/// A mention the tagger found, with its character and byte offsets in the article.
struct Found {
    m: ner::Mention,
    chars: (u32, u32),
    bytes: (u32, u32),
}

/// Append `mentions` (token ranges into `tokens`, byte spans into `text`) with their
/// character and byte offsets.
#[inline]
fn found_in(text: &str, tokens: &[Span], mentions: Vec<ner::Mention>, out: &mut Vec<Found>) {
    let mut conv = CharOffsets::new(text);
    out.extend(mentions.into_iter().map(|m| {
        let s = tokens[m.start_token as usize].start;
        let e = tokens[m.end_token as usize - 1].end;
        Found {
            m,
            chars: (conv.get(s as usize) as u32, conv.get(e as usize) as u32),
            bytes: (s, e),
        }
    }));
}

/// Per type, (true positives, predicted, gold).
type Report = Vec<(String, (usize, usize, usize))>;

/// A loaded tagger model, shared read-only by all threads.
#[pyclass(module = "newsgraph._core", frozen)]
pub struct Tagger {
    pub(crate) model: Arc<Model>,
    /// Hash of the model's bytes: a corpus caches and saves mentions under it, so a
    /// loaded corpus knows which tagger found them.
    fingerprint: String,
}

impl Tagger {
    fn new(model: Model, bytes: &[u8]) -> Tagger {
        Tagger {
            model: Arc::new(model),
            fingerprint: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes)),
        }
    }
}

/// Pull `list[list[str]]` out of Python, naming the first bad value.
fn token_lists(sentences: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<String>>> {
    let list = sentences.cast::<PyList>().map_err(|_| {
        PyTypeError::new_err(format!(
            "sentences must be a list of lists of str, got {}",
            type_name(sentences)
        ))
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, sent) in list.iter().enumerate() {
        let toks = sent.cast::<PyList>().map_err(|_| {
            PyTypeError::new_err(format!(
                "sentence {i} must be a list of str, got {}",
                type_name(&sent)
            ))
        })?;
        if toks.is_empty() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "sentence {i} is empty: every sentence needs at least one token"
            )));
        }
        let mut words = Vec::with_capacity(toks.len());
        for (j, t) in toks.iter().enumerate() {
            let w: String = t.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "token {j} of sentence {i} must be a str, got {}",
                    type_name(&t)
                ))
            })?;
            if w.is_empty() || w.chars().any(char::is_whitespace) {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "token {j} of sentence {i} is {w:?}: tokens must be non-empty and \
                     contain no whitespace"
                )));
            }
            words.push(w);
        }
        out.push(words);
    }
    Ok(out)
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

#[pymethods]
impl Tagger {
    /// IOB2 tags for pre-tokenised sentences. `documents[i]` groups sentence `i` with
    /// the others of the same value into one document (for document-level features);
    /// by default each sentence is its own document.
    #[pyo3(signature = (sentences, documents=None, threads=None))]
    fn tag(
        &self,
        py: Python<'_>,
        sentences: &Bound<'_, PyAny>,
        documents: Option<Vec<i64>>,
        threads: Option<Threads>,
    ) -> PyResult<Vec<Vec<String>>> {
        let sents = token_lists(sentences)?;
        let groups = match documents {
            Some(d) if d.len() != sents.len() => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "documents has {} values for {} sentences",
                    d.len(),
                    sents.len()
                )))
            }
            Some(d) => d,
            None => (0..sents.len() as i64).collect(),
        };
        let model = Arc::clone(&self.model);
        run(py, threads, move || {
            use rayon::prelude::*;
            // Consecutive runs of the same document value form one document.
            let mut bounds = Vec::new();
            let mut start = 0;
            for i in 1..=sents.len() {
                if i == sents.len() || groups[i] != groups[start] {
                    bounds.push(start..i);
                    start = i;
                }
            }
            let tagged: Vec<Vec<Vec<u8>>> = bounds
                .par_iter()
                .map(|r| model.tag_document(&sents[r.clone()]))
                .collect();
            Ok(tagged.concat().iter().map(|l| labels::to_iob2(l)).collect())
        })
    }

    /// The model as bytes (what `save` writes).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.model.to_bytes())
    }

    /// Hash of the model's bytes (16 hex digits): equal models have equal fingerprints.
    #[getter]
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Number of weight rows (features kept) in the model.
    #[getter]
    fn n_features(&self) -> usize {
        self.model.n_features()
    }

    /// Gazetteer categories the model consults.
    #[getter]
    fn gazetteers(&self) -> Vec<String> {
        self.model.lexicon.categories.clone()
    }

    /// Number of words with clusters.
    #[getter]
    fn n_clusters(&self) -> usize {
        self.model.lexicon.clusters.len()
    }
}

/// Load a model from bytes (as written by `Tagger.to_bytes`).
#[pyfunction]
fn load_tagger(py: Python<'_>, data: &[u8]) -> PyResult<Tagger> {
    let data = data.to_vec();
    let (model, data) = run(py, None, move || Ok((Model::from_bytes(&data)?, data)))?;
    Ok(Tagger::new(model, &data))
}

/// Entity mentions in parsed articles: columns doc, paragraph, sentence, start, end
/// (character offsets), label (index into TYPES), token_start, token_end, and text.
///
/// `titles` gives each article's headline (`None`: the one the parser found in the
/// text). Headline mentions come first in their document, with paragraph and sentence
/// -1, offsets into the headline, and token indexes into the headline's tokens.
#[pyfunction]
#[pyo3(signature = (articles, tagger, threads=None, progress=false, titles=None))]
fn tag_articles<'py>(
    py: Python<'py>,
    articles: &Articles,
    tagger: &Tagger,
    threads: Option<Threads>,
    progress: bool,
    titles: Option<Vec<Option<Text>>>,
) -> PyResult<Bound<'py, PyDict>> {
    let model = Arc::clone(&tagger.model);
    let docs = &articles.docs;
    if let Some(t) = &titles {
        if t.len() != docs.len() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "titles has {} values for {} articles",
                t.len(),
                docs.len()
            )));
        }
    }
    let title_of = |d: usize| -> &str {
        match &titles {
            Some(t) => t[d].as_ref().map_or("", |x| x.0.as_str()),
            None => docs[d].meta.title.as_deref().unwrap_or(""),
        }
    };
    let (out, form, forms) =
        run_with_progress(py, threads, bar(progress, docs.len(), "entities"), |p| {
            use rayon::prelude::*;
            // Per document, its mentions with character and byte offsets: 32 bytes a
            // mention, as a large corpus has tens of millions. Headline mentions first.
            let per_doc: Vec<(Vec<Found>, usize)> = docs
                .par_iter()
                .enumerate()
                .map(|(d, a)| -> crate::core::Result<(Vec<Found>, usize)> {
                    p.check()?;
                    p.tick(1);
                    let spans = a.tokens.spans();
                    let title = title_of(d);
                    let tagged = ner::tag_article_titled(&model, a, &spans, Some(title));
                    let mut out = Vec::with_capacity(tagged.title.len() + tagged.body.len());
                    found_in(title, &tagged.title_tokens, tagged.title, &mut out);
                    let n_title = out.len();
                    found_in(&a.text, &spans, tagged.body, &mut out);
                    Ok((out, n_title))
                })
                .collect::<crate::core::Result<_>>()?;
            // The columns, each document filling its own slice of them in parallel.
            let n: usize = per_doc.iter().map(|(f, _)| f.len()).sum();
            let mut out: [Vec<i64>; 8] = std::array::from_fn(|_| vec![0i64; n]);
            let mut rest: [&mut [i64]; 8] = out.each_mut().map(Vec::as_mut_slice);
            let mut parts: Vec<[&mut [i64]; 8]> = Vec::with_capacity(per_doc.len());
            for (found, _) in &per_doc {
                parts.push(std::array::from_fn(|c| {
                    let (head, tail) = std::mem::take(&mut rest[c]).split_at_mut(found.len());
                    rest[c] = tail;
                    head
                }));
            }
            parts
                .into_par_iter()
                .zip(per_doc.par_iter())
                .enumerate()
                .for_each(|(d, (mut cols, (found, n_title)))| {
                    let a = &docs[d];
                    for (k, f) in found.iter().enumerate() {
                        let (para, sent) = if k < *n_title {
                            (-1, -1)
                        } else {
                            (
                                a.sentences[f.m.sentence as usize].paragraph as i64,
                                f.m.sentence as i64,
                            )
                        };
                        let row = [
                            d as i64,
                            para,
                            sent,
                            f.chars.0 as i64,
                            f.chars.1 as i64,
                            f.m.label as i64,
                            f.m.start_token as i64,
                            f.m.end_token as i64,
                        ];
                        for (col, v) in cols.iter_mut().zip(row) {
                            col[k] = v;
                        }
                    }
                });
            let (form, forms) = super::intern(docs.iter().zip(&per_doc).enumerate().flat_map(
                |(d, (doc, (found, n_title)))| {
                    let title = title_of(d);
                    found.iter().enumerate().map(move |(k, f)| {
                        let src = if k < *n_title {
                            title
                        } else {
                            doc.text.as_str()
                        };
                        &src[f.bytes.0 as usize..f.bytes.1 as usize]
                    })
                },
            ));
            Ok((out, form, forms))
        })?;
    let d = PyDict::new(py);
    let names = [
        "doc",
        "paragraph",
        "sentence",
        "start",
        "end",
        "label",
        "token_start",
        "token_end",
    ];
    for (name, col) in names.into_iter().zip(out) {
        d.set_item(name, col.into_pyarray(py))?;
    }
    d.set_item("form", form.into_pyarray(py))?;
    d.set_item("forms", PyList::new(py, forms)?)?;
    Ok(d)
}

/// Train a tagger on CoNLL-format text. `progress(stage, epoch, mistakes, tokens,
/// dev_f1)` is called after each epoch of each stage; `folds` < 2 trains no second
/// stage. Returns the tagger and the dev scores per type (type -> (true positives,
/// predicted, gold)).
#[pyfunction]
#[pyo3(signature = (train_text, dev_text=None, gazetteers=None, clusters=None, epochs=12,
                    seed=1, prune=0.02, folds=5, progress=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn train_tagger(
    py: Python<'_>,
    train_text: String,
    dev_text: Option<String>,
    gazetteers: Option<String>,
    clusters: Option<String>,
    epochs: usize,
    seed: u64,
    prune: f32,
    folds: usize,
    progress: Option<Py<PyAny>>,
    threads: Option<Threads>,
) -> PyResult<(Tagger, Report)> {
    let (model, scores) = run(py, threads, move || {
        let docs = train::read_conll(&train_text);
        if docs.is_empty() {
            return Err(Error::input("the training text has no labelled sentences"));
        }
        let dev = dev_text.map(|t| train::read_conll(&t)).unwrap_or_default();
        let mut lx = Lexicon::default();
        if let Some(g) = gazetteers {
            lx.add_gazetteer_tsv(&g);
        }
        if let Some(c) = clusters {
            lx.add_clusters_tsv(&c);
        }
        let opts = train::Options {
            epochs,
            seed,
            prune,
            folds,
        };
        let model = train::train(&docs, &dev, lx, &opts, &mut |e| {
            if let Some(cb) = &progress {
                let f1 = e.dev.as_ref().map(|s| s.overall_f1());
                Python::attach(|py| {
                    // A failing progress callback must not stop training.
                    let _ = cb.call1(py, (e.stage, e.epoch, e.mistakes, e.tokens, f1));
                });
            }
        });
        let scores = train::evaluate(&model, if dev.is_empty() { &docs } else { &dev });
        Ok((model, scores))
    })?;
    let names = labels::TYPES
        .iter()
        .map(|s| s.to_string())
        .chain(["ALL".into()]);
    let report = names.zip(scores.counts).collect();
    let bytes = model.to_bytes();
    Ok((Tagger::new(model, &bytes), report))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Tagger>()?;
    m.add("ENTITY_TYPES", labels::TYPES.to_vec())?;
    m.add_function(wrap_pyfunction!(load_tagger, m)?)?;
    m.add_function(wrap_pyfunction!(tag_articles, m)?)?;
    m.add_function(wrap_pyfunction!(train_tagger, m)?)?;
    Ok(())
}
