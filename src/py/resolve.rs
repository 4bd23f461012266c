//! Binding for entity resolution.

use foldhash::HashMap;
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{run, to_py};
use crate::core::resolve::{self, Options};
use crate::core::Error;

/// Resolve mentions (grouped by document, in reading order) to entities.
///
/// Mention `i` is in document `doc[i]`, has text `texts[text[i]]` and label
/// `labels[label[i]]`: codes into distinct strings, so no per-mention string crosses
/// from Python. Returns `entity_of` (int64 array, one per mention) and `entities`:
/// columns `name`, `label`, `aliases` (list of lists), `mentions`, `documents`.
#[pyfunction]
#[pyo3(signature = (doc, text, texts, label, labels, aliases=Vec::new(), merge=Vec::new(),
                    split=Vec::new(), demonyms=Vec::new(), fuzzy=true, threads=None))]
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
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let (doc, text, label) = (doc.as_array(), text.as_array(), label.as_array());
    let n = doc.len();
    if text.len() != n || label.len() != n {
        return Err(to_py(
            py,
            Error::input(format!(
                "doc, text and label differ in length: {n}, {}, {}",
                text.len(),
                label.len()
            )),
        ));
    }
    let check = |name: &str, codes: &[i64], size: usize| -> PyResult<()> {
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
    };
    let (doc, text, label) = (doc.to_vec(), text.to_vec(), label.to_vec());
    check("text", &text, texts.len())?;
    check("label", &label, labels.len())?;
    check("doc", &doc, u32::MAX as usize)?;
    // Distinct (text, label) pairs: the unit resolution normalises.
    let mut pair_of: HashMap<(i64, i64), u32> = HashMap::default();
    let mut forms: Vec<(&str, &str)> = Vec::new();
    let form: Vec<u32> = text
        .iter()
        .zip(&label)
        .map(|(&t, &l)| {
            *pair_of.entry((t, l)).or_insert_with(|| {
                forms.push((texts[t as usize].as_str(), labels[l as usize].as_str()));
                (forms.len() - 1) as u32
            })
        })
        .collect();
    let doc: Vec<u32> = doc.iter().map(|&d| d as u32).collect();
    let opts = Options {
        aliases,
        merge,
        split,
        demonyms,
        fuzzy,
    };
    let r = run(py, threads, || {
        Ok(resolve::resolve_forms(&doc, &form, &forms, &opts))
    })?;
    let d = PyDict::new(py);
    let ids: Vec<i64> = r.entity_of.iter().map(|&e| e as i64).collect();
    d.set_item("entity_of", ids.into_pyarray(py))?;
    let e = PyDict::new(py);
    let ents = r.entities;
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
    d.set_item("entities", e)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve_mentions, m)?)?;
    Ok(())
}
