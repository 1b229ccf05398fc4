//! A plain text filter over the snapshot, used until the full-text index exists: every word
//! of the query must occur in the acronym, a title, the DMCG or an identifier-like field.

use crate::catalogue::Catalogue;

/// Lower-cases and folds Danish letters so "kraeft" finds "kræft".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// Indexes of entries matching every word of `q`, in catalogue order.
pub fn matching_entries(catalogue: &Catalogue, q: &str) -> Vec<usize> {
    let words: Vec<String> = fold(q).split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return (0..catalogue.entries.len()).collect();
    }
    catalogue
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let haystack = fold(&format!(
                "{} {} {} {} {}",
                e.acronym,
                e.title_da.as_deref().unwrap_or(""),
                e.title_en.as_deref().unwrap_or(""),
                e.dmcg,
                e.slug
            ));
            let compact = haystack.replace(' ', "");
            words
                .iter()
                .all(|w| haystack.contains(w.as_str()) || compact.contains(w.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}
