//! Bindings for entity resolution: all at once, or batch by batch (link, then resolve
//! the tally).

use foldhash::HashMap;
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{run, to_py, Threads};
use crate::core::resolve::{self, Entity, Options, Tally};
use crate::core::Error;

fn options(
    aliases: Vec<(String, String)>,
    merge: Vec<Vec<String>>,
    split: Vec<String>,
    demonyms: Vec<(String, String)>,
    fuzzy: bool,
    strict: bool,
) -> Options {
    Options {
        aliases,
        merge,
        split,
        demonyms,
        fuzzy,
        strict,
    }
}

/// An input error for the first code outside `0..size`, naming the argument.
fn check_codes(py: Python<'_>, name: &str, codes: &[i64], size: usize) -> PyResult<()> {
    match codes.iter().position(|&c| c < 0 || c as usize >= size) {
        Some(i) => Err(to_py(
            py,
            Error::input(format!(
                "{name}[{i}] is {}, outside the {size} distinct values given",
                codes[i]
            )),
        )),
        None => Ok(()),
    }
}

fn check_lengths(py: Python<'_>, names: &str, lengths: &[usize]) -> PyResult<()> {
    if lengths.iter().any(|&n| n != lengths[0]) {
        let shown: Vec<String> = lengths.iter().map(|n| n.to_string()).collect();
        return Err(to_py(
            py,
            Error::input(format!("{names} differ in length: {}", shown.join(", "))),
        ));
    }
    Ok(())
}

/// Mentions given as (doc, text code, label code) arrays, checked, with their distinct
/// (text, label) pairs numbered in order of first mention.
struct Coded<'a> {
    doc: Vec<u32>,
    form: Vec<u32>,
    forms: Vec<(&'a str, &'a str)>,
}

fn coded<'a>(
    py: Python<'_>,
    doc: &PyReadonlyArray1<'_, i64>,
    text: &PyReadonlyArray1<'_, i64>,
    texts: &'a [String],
    label: &PyReadonlyArray1<'_, i64>,
    labels: &'a [String],
) -> PyResult<Coded<'a>> {
    let (doc, text, label) = (doc.as_array(), text.as_array(), label.as_array());
    check_lengths(
        py,
        "doc, text and label",
        &[doc.len(), text.len(), label.len()],
    )?;
    let (doc, text, label) = (doc.to_vec(), text.to_vec(), label.to_vec());
    check_codes(py, "text", &text, texts.len())?;
    check_codes(py, "label", &label, labels.len())?;
    check_codes(py, "doc", &doc, u32::MAX as usize)?;
    let mut forms: Vec<(&str, &str)> = Vec::new();
    let mut new_form = |t: i64, l: i64| {
        forms.push((texts[t as usize].as_str(), labels[l as usize].as_str()));
        (forms.len() - 1) as u32
    };
    // A table indexed by (text, label) codes when it is not much larger than the
    // mentions (the tagger's four labels), else a hash map (many dictionary keys).
    let (n_t, n_l) = (texts.len(), labels.len());
    let form: Vec<u32> = if n_t.saturating_mul(n_l) <= (4 * text.len()).max(1 << 16) {
        let mut pair_of = vec![u32::MAX; n_t * n_l];
        text.iter()
            .zip(&label)
            .map(|(&t, &l)| {
                let slot = &mut pair_of[t as usize * n_l + l as usize];
                if *slot == u32::MAX {
                    *slot = new_form(t, l);
                }
                *slot
            })
            .collect()
    } else {
        let mut pair_of: HashMap<(i64, i64), u32> = HashMap::default();
        text.iter()
            .zip(&label)
            .map(|(&t, &l)| *pair_of.entry((t, l)).or_insert_with(|| new_form(t, l)))
            .collect()
    };
    Ok(Coded {
        doc: doc.iter().map(|&d| d as u32).collect(),
        form,
        forms,
    })
}

/// The entity table as a dict of columns.
fn entity_columns<'py>(py: Python<'py>, ents: &[Entity]) -> PyResult<Bound<'py, PyDict>> {
    let e = PyDict::new(py);
    e.set_item(
        "name",
        ents.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
    )?;
    e.set_item(
        "label",
        ents.iter().map(|x| x.label.clone()).collect::<Vec<_>>(),
    )?;
    e.set_item(
        "aliases",
        ents.iter().map(|x| x.aliases.clone()).collect::<Vec<_>>(),
    )?;
    let mentions: Vec<i64> = ents.iter().map(|x| x.mentions as i64).collect();
    let documents: Vec<i64> = ents.iter().map(|x| x.documents as i64).collect();
    e.set_item("mentions", mentions.into_pyarray(py))?;
    e.set_item("documents", documents.into_pyarray(py))?;
    Ok(e)
}

/// Resolve mentions (grouped by document, in reading order) to entities.
///
/// Mention `i` is in document `doc[i]`, has text `texts[text[i]]` and label
/// `labels[label[i]]`: codes into distinct strings, so no per-mention string crosses
/// from Python. Returns `entity_of` (int64 array, one per mention) and `entities`:
/// columns `name`, `label`, `aliases` (list of lists), `mentions`, `documents`.
#[pyfunction]
#[pyo3(signature = (doc, text, texts, label, labels, aliases=Vec::new(), merge=Vec::new(),
                    split=Vec::new(), demonyms=Vec::new(), fuzzy=true, strict=false,
                    threads=None))]
#[allow(clippy::too_many_arguments)]
fn resolve_mentions<'py>(
    py: Python<'py>,
    doc: PyReadonlyArray1<'py, i64>,
    text: PyReadonlyArray1<'py, i64>,
    texts: Vec<String>,
    label: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    aliases: Vec<(String, String)>,
    merge: Vec<Vec<String>>,
    split: Vec<String>,
    demonyms: Vec<(String, String)>,
    fuzzy: bool,
    strict: bool,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = coded(py, &doc, &text, &texts, &label, &labels)?;
    let opts = options(aliases, merge, split, demonyms, fuzzy, strict);
    let r = run(py, threads, || {
        Ok(resolve::resolve_forms(&c.doc, &c.form, &c.forms, &opts))
    })?;
    let d = PyDict::new(py);
    let ids: Vec<i64> = r.entity_of.iter().map(|&e| e as i64).collect();
    d.set_item("entity_of", ids.into_pyarray(py))?;
    d.set_item("entities", entity_columns(py, &r.entities)?)?;
    Ok(d)
}

/// Within-document links of a batch of whole documents (mentions as for
/// `resolve_mentions`): for each mention, the index of the mention whose form it
/// stands for (itself unless linked to a fuller form), as an int64 array.
#[pyfunction]
#[pyo3(signature = (doc, text, texts, label, labels, aliases=Vec::new(), merge=Vec::new(),
                    split=Vec::new(), demonyms=Vec::new(), fuzzy=true, strict=false,
                    threads=None))]
#[allow(clippy::too_many_arguments)]
fn link_mentions<'py>(
    py: Python<'py>,
    doc: PyReadonlyArray1<'py, i64>,
    text: PyReadonlyArray1<'py, i64>,
    texts: Vec<String>,
    label: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    aliases: Vec<(String, String)>,
    merge: Vec<Vec<String>>,
    split: Vec<String>,
    demonyms: Vec<(String, String)>,
    fuzzy: bool,
    strict: bool,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, numpy::PyArray1<i64>>> {
    let c = coded(py, &doc, &text, &texts, &label, &labels)?;
    let opts = options(aliases, merge, split, demonyms, fuzzy, strict);
    let linked = run(py, threads, || {
        Ok(resolve::link_mentions(&c.doc, &c.form, &c.forms, &opts))
    })?;
    let out: Vec<i64> = linked.into_iter().map(i64::from).collect();
    Ok(out.into_pyarray(py))
}

/// Entities of a corpus from the tally of its linked mentions: the distinct forms
/// (`texts[f]`, `labels[f]`) numbered in order of first mention, `unlinked[f]` (some
/// mention of form `f` stands for itself), and mention counts by (form stood for
/// `target`, own form `form`, `count`; repeated pairs add up). Returns `entity_of_form`
/// (int64, -1 for a form no mention stands for) and `entities` as `resolve_mentions`
/// does, with `documents` 0.
#[pyfunction]
#[pyo3(signature = (texts, labels, unlinked, target, form, count, aliases=Vec::new(),
                    merge=Vec::new(), split=Vec::new(), demonyms=Vec::new(), fuzzy=true, strict=false,
                    threads=None))]
#[allow(clippy::too_many_arguments)]
fn resolve_tally<'py>(
    py: Python<'py>,
    texts: Vec<String>,
    labels: Vec<String>,
    unlinked: PyReadonlyArray1<'py, bool>,
    target: PyReadonlyArray1<'py, i64>,
    form: PyReadonlyArray1<'py, i64>,
    count: PyReadonlyArray1<'py, i64>,
    aliases: Vec<(String, String)>,
    merge: Vec<Vec<String>>,
    split: Vec<String>,
    demonyms: Vec<(String, String)>,
    fuzzy: bool,
    strict: bool,
    threads: Option<Threads>,
) -> PyResult<Bound<'py, PyDict>> {
    let n = texts.len();
    let unlinked = unlinked.as_array().to_vec();
    check_lengths(
        py,
        "texts, labels and unlinked",
        &[n, labels.len(), unlinked.len()],
    )?;
    let (target, form, count) = (
        target.as_array().to_vec(),
        form.as_array().to_vec(),
        count.as_array().to_vec(),
    );
    check_lengths(
        py,
        "target, form and count",
        &[target.len(), form.len(), count.len()],
    )?;
    check_codes(py, "target", &target, n)?;
    check_codes(py, "form", &form, n)?;
    check_codes(py, "count", &count, u32::MAX as usize)?;
    let forms: Vec<(&str, &str)> = texts
        .iter()
        .zip(&labels)
        .map(|(t, l)| (t.as_str(), l.as_str()))
        .collect();
    let tally = Tally {
        unlinked,
        pairs: target
            .iter()
            .zip(&form)
            .zip(&count)
            .map(|((&t, &f), &c)| (t as u32, f as u32, c as u32))
            .collect(),
    };
    let opts = options(aliases, merge, split, demonyms, fuzzy, strict);
    let merged = run(py, threads, || {
        Ok(resolve::resolve_tally(&forms, &tally, &opts))
    })?;
    let d = PyDict::new(py);
    let of_form: Vec<i64> = merged
        .entity_of_form
        .iter()
        .map(|&e| if e == u32::MAX { -1 } else { i64::from(e) })
        .collect();
    d.set_item("entity_of_form", of_form.into_pyarray(py))?;
    d.set_item("entities", entity_columns(py, &merged.entities)?)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve_mentions, m)?)?;
    m.add_function(wrap_pyfunction!(link_mentions, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_tally, m)?)?;
    Ok(())
}
