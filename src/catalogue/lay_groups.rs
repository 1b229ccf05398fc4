//! Lay diagnosis groups (`seed/lay_diagnoses.csv`): what a patient's word for their cancer
//! ("lungekræft", "lymfekræft") stands for in ICD-10, found without regard to case, spaces,
//! punctuation, æ/ø/å spellings and "kræft" or "cancer".

use std::collections::HashMap;

use anyhow::{bail, Context};
use dccc_matching::{Diagnosis, IcdPatternList};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The reviewed seed table, compiled into the binary.
pub const LAY_DIAGNOSES: &str = include_str!("../../seed/lay_diagnoses.csv");

/// One group: the codes a set of lay terms stands for.
#[derive(Debug, Clone)]
pub struct LayGroup {
    pub name_da: String,
    pub name_en: String,
    /// The group's codes; empty is every diagnosis (`*` in the table).
    pub codes: IcdPatternList,
    /// Only for patients of at most this age (children's cancer).
    pub max_age: Option<u8>,
    /// The DMCGs whose patients the group holds, as the table documents them.
    pub dmcgs: Vec<String>,
    /// Where the codes come from.
    pub source: String,
    pub terms: Vec<String>,
}

impl LayGroup {
    /// What a match is given for the group.
    pub fn diagnosis(&self) -> Diagnosis {
        Diagnosis::Group(self.codes.clone())
    }

    /// The group's codes as one text, `C33-C34` or `*`: the value the patient page posts.
    pub fn key(&self) -> String {
        self.diagnosis().to_string()
    }

    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_da
        }
    }
}

/// The table with its look-up by folded term and by codes.
#[derive(Debug, Clone, Default)]
pub struct LayGroups {
    groups: Vec<LayGroup>,
    /// Terms folded with æ/ø/å as ae/oe/aa, and as a/o/a, to the group's index.
    by_term: HashMap<String, usize>,
    /// [`LayGroup::key`] to the group's index.
    by_key: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct Row {
    name_da: String,
    name_en: String,
    icd10: String,
    max_age: String,
    dmcg: String,
    source: String,
    terms: String,
}

/// How æ, ø and å are written when a term is folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// æ, ø, å as ae, oe, aa.
    Digraphs,
    /// æ, ø, å as a, o, a (a keyboard without them).
    Bare,
}

impl Spelling {
    pub const ALL: [Spelling; 2] = [Spelling::Digraphs, Spelling::Bare];
}

/// A term as it is compared: NFKC, lower case, æ/ø/å (and ä/ö) spelled out, other marks
/// dropped (é is e), only letters and digits kept, and "cancer" read as "kræft".
pub fn fold(text: &str, spelling: Spelling) -> String {
    let (ae, oe, aa) = match spelling {
        Spelling::Digraphs => ("ae", "oe", "aa"),
        Spelling::Bare => ("a", "o", "a"),
    };
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        match c {
            'æ' | 'ä' => folded.push_str(ae),
            'ø' | 'ö' => folded.push_str(oe),
            'å' => folded.push_str(aa),
            c if c.is_ascii_alphanumeric() => folded.push(c),
            // A letter with a mark (é, ü) is its base letter; anything else is left out.
            c => folded.extend(std::iter::once(c).nfd().filter(char::is_ascii_alphanumeric)),
        }
    }
    let kraeft = match spelling {
        Spelling::Digraphs => "kraeft",
        Spelling::Bare => "kraft",
    };
    folded.replace("cancer", kraeft)
}

impl LayGroups {
    /// Parses the table; an error names the line and what is wrong with it.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut table = Self::default();
        for row in reader.deserialize::<Row>() {
            let row = row.context("seed/lay_diagnoses.csv")?;
            let name = row.name_da.clone();
            let codes = match row.icd10.as_str() {
                "*" => IcdPatternList::default(),
                "" => bail!("seed/lay_diagnoses.csv, {name}: no icd10"),
                codes => IcdPatternList::parse_list(codes)
                    .map_err(|e| anyhow::anyhow!("seed/lay_diagnoses.csv, {name}: {e}"))?,
            };
            let max_age = match row.max_age.as_str() {
                "" => None,
                age => Some(
                    age.parse::<u8>()
                        .with_context(|| format!("seed/lay_diagnoses.csv, {name}: max_age"))?,
                ),
            };
            let terms: Vec<String> = row
                .terms
                .split('|')
                .map(str::trim)
                .filter(|term| !term.is_empty())
                .map(str::to_owned)
                .collect();
            if terms.is_empty() {
                bail!("seed/lay_diagnoses.csv, {name}: no terms");
            }
            let group = LayGroup {
                name_da: row.name_da,
                name_en: row.name_en,
                codes,
                max_age,
                dmcgs: row.dmcg.split_whitespace().map(str::to_owned).collect(),
                source: row.source,
                terms,
            };
            let index = table.groups.len();
            if let Some(&other) = table.by_key.get(&group.key()) {
                bail!(
                    "seed/lay_diagnoses.csv, {name}: the codes {} are also {}'s",
                    group.key(),
                    table.groups[other].name_da
                );
            }
            table.by_key.insert(group.key(), index);
            for term in group.terms.iter().chain([&group.name_da, &group.name_en]) {
                for spelling in Spelling::ALL {
                    let folded = fold(term, spelling);
                    match table.by_term.get(&folded) {
                        Some(&other) if other != index => bail!(
                            "seed/lay_diagnoses.csv, {name}: \"{term}\" is also a term of {}",
                            table.groups[other].name_da
                        ),
                        _ => {
                            table.by_term.insert(folded, index);
                        }
                    }
                }
            }
            table.groups.push(group);
        }
        Ok(table)
    }

    /// The table compiled into the binary. Its tests keep it valid; were it not, lay terms
    /// would find nothing and the error is logged once.
    pub fn builtin() -> Self {
        Self::parse(LAY_DIAGNOSES).unwrap_or_else(|error| {
            tracing::error!(error = %error, "the lay diagnosis table is invalid");
            Self::default()
        })
    }

    /// Every group, in the table's order.
    pub fn groups(&self) -> &[LayGroup] {
        &self.groups
    }

    /// The group a typed text stands for: one of its terms or names in any spelling the fold
    /// allows, or its codes as the patient page posts them (`C33-C34`, `*`).
    pub fn find(&self, typed: &str) -> Option<&LayGroup> {
        let typed = typed.trim();
        let by_key = match typed {
            "*" => Some("*".to_owned()),
            _ => IcdPatternList::parse_list(typed)
                .ok()
                .filter(|codes| !codes.is_empty())
                .map(|codes| Diagnosis::Group(codes).to_string()),
        };
        let index = by_key.and_then(|key| self.by_key.get(&key)).or_else(|| {
            Spelling::ALL
                .iter()
                .find_map(|&spelling| self.by_term.get(&fold(typed, spelling)))
        })?;
        self.groups.get(*index)
    }
}

#[cfg(test)]
#[path = "lay_groups_tests.rs"]
mod tests;
