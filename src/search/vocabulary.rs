//! The reference vocabulary the index adds to each record: names of ICD-10 categories
//! (`seed/icd10_categories.csv`) and groups of lay terms, synonyms and misspellings
//! (`seed/synonyms.csv`), so "tarmkræft" finds a protocol that only says "C18-C20".

use std::collections::{BTreeSet, HashMap};

use anyhow::{bail, Context};
use dccc_matching::{IcdPattern, IcdPatternList};
use serde::Deserialize;

use super::analysis;

const SYNONYMS: &str = include_str!("../../seed/synonyms.csv");
const ICD10_CATEGORIES: &str = include_str!("../../seed/icd10_categories.csv");

/// A pattern covering more categories than this ("C00-C97": every cancer) says nothing about
/// which cancer a protocol is for, so it adds no names or synonyms.
const BROAD_PATTERN: usize = 20;

/// Terms shorter than this are not looked for in a record's text ("ALL" is also a word).
const MIN_TRIGGER_CHARS: usize = 5;

/// Danish and English names of one ICD-10 category or subcode.
#[derive(Debug, Clone)]
pub struct IcdName {
    pub code: String,
    pub da: String,
    pub en: String,
}

/// When a group of synonyms applies to a record.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// Records whose diagnoses overlap these code prefixes.
    Codes(Vec<String>),
    /// Every record of the row's DMCG.
    WholeDmcg,
    /// Only records whose text contains one of the terms.
    TextOnly,
}

/// One row of `synonyms.csv`: terms that should find each other.
#[derive(Debug, Clone)]
pub struct SynonymRow {
    pub dmcg: Option<String>,
    scope: Scope,
    pub terms: Vec<String>,
}

/// The parsed vocabulary with lookup tables built from it.
#[derive(Debug)]
pub struct Vocabulary {
    icd: Vec<IcdName>,
    rows: Vec<SynonymRow>,
    /// Rows by the first analyzed token of each term long enough to look for in a text,
    /// with the remaining tokens of the term.
    triggers: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// Rows by each one-token term (any length), for highlighting what a synonym stands for.
    single_terms: HashMap<String, Vec<usize>>,
    fingerprint: u64,
}

#[derive(Deserialize)]
struct SynonymCsv {
    dmcg: String,
    icd10: String,
    terms: String,
}

#[derive(Deserialize)]
struct IcdCsv {
    code: String,
    name_da: String,
    name_en: String,
}

/// FNV-1a: a small, stable hash for telling whether reference data changed between runs.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The FNV-1a starting value.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The code prefixes a pattern stands for: the prefix itself, or each category (or subcode)
/// of a range. `C18-C20` gives C18, C19, C20; `C924-C926` gives C924, C925, C926.
fn pattern_prefixes(pattern: &IcdPattern) -> Vec<String> {
    match pattern {
        IcdPattern::Prefix(prefix) => vec![prefix.clone()],
        IcdPattern::Range { from, to } => {
            let n = from.len();
            let same_head = n > 3 && n == to.len() && from.get(..n - 1) == to.get(..n - 1);
            let last = |s: &str| s.chars().last().and_then(|c| c.to_digit(10));
            match (same_head, last(from), last(to)) {
                (true, Some(a), Some(b)) => {
                    let head = &from[..n - 1];
                    (a..=b).map(|d| format!("{head}{d}")).collect()
                }
                _ => pattern.categories(),
            }
        }
    }
}

/// The code prefixes of a list of patterns, leaving out patterns too broad to tell anything.
pub fn code_prefixes(patterns: &IcdPatternList) -> Vec<String> {
    let mut out = BTreeSet::new();
    for pattern in &patterns.0 {
        let prefixes = pattern_prefixes(pattern);
        if prefixes.len() <= BROAD_PATTERN {
            out.extend(prefixes);
        }
    }
    out.into_iter().collect()
}

/// Whether two code prefixes select overlapping diagnoses (one contains the other).
fn overlaps(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

impl Vocabulary {
    /// The vocabulary of the files in `seed/`, compiled into the binary.
    pub fn builtin() -> anyhow::Result<Self> {
        Self::parse(SYNONYMS, ICD10_CATEGORIES)
    }

    pub fn parse(synonyms: &str, icd10: &str) -> anyhow::Result<Self> {
        let mut icd = Vec::new();
        let mut reader = csv::Reader::from_reader(icd10.as_bytes());
        for (i, row) in reader.deserialize::<IcdCsv>().enumerate() {
            let row = row.with_context(|| format!("seed/icd10_categories.csv line {}", i + 2))?;
            icd.push(IcdName {
                code: row.code.trim().to_ascii_uppercase(),
                da: row.name_da.trim().to_owned(),
                en: row.name_en.trim().to_owned(),
            });
        }
        let mut rows = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(synonyms.as_bytes());
        for (i, row) in reader.deserialize::<SynonymCsv>().enumerate() {
            let row = row.with_context(|| format!("seed/synonyms.csv row {}", i + 1))?;
            let terms: Vec<String> = row
                .terms
                .split('|')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            let dmcg = Some(row.dmcg.trim().to_owned()).filter(|d| !d.is_empty());
            let scope = match row.icd10.trim() {
                "" => Scope::TextOnly,
                "*" if dmcg.is_some() => Scope::WholeDmcg,
                "*" => bail!("seed/synonyms.csv row {}: icd10 * needs a dmcg", i + 1),
                codes => {
                    let patterns = IcdPatternList::parse_list(codes)
                        .map_err(|e| anyhow::anyhow!("seed/synonyms.csv row {}: {e}", i + 1))?;
                    Scope::Codes(patterns.0.iter().flat_map(pattern_prefixes).collect())
                }
            };
            if terms.is_empty() {
                bail!("seed/synonyms.csv row {} has no terms", i + 1);
            }
            rows.push(SynonymRow { dmcg, scope, terms });
        }
        let mut da = analysis::danish();
        let mut triggers: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        let mut single_terms: HashMap<String, Vec<usize>> = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            for term in &row.terms {
                let tokens = analysis::tokens(&mut da, term);
                let Some((first, rest)) = tokens.split_first() else {
                    continue;
                };
                if rest.is_empty() {
                    single_terms.entry(first.clone()).or_default().push(r);
                }
                if term.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_TRIGGER_CHARS {
                    triggers
                        .entry(first.clone())
                        .or_default()
                        .push((rest.to_vec(), r));
                }
            }
        }
        let fingerprint = fnv1a(fnv1a(FNV_OFFSET, synonyms.as_bytes()), icd10.as_bytes());
        Ok(Self {
            icd,
            rows,
            triggers,
            single_terms,
            fingerprint,
        })
    }

    /// Changes whenever either file changes.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn rows(&self) -> &[SynonymRow] {
        &self.rows
    }

    /// Names of the categories and subcodes the prefixes cover or fall under.
    pub fn icd_names(&self, prefixes: &[String]) -> Vec<&IcdName> {
        self.icd
            .iter()
            .filter(|name| prefixes.iter().any(|p| overlaps(p, &name.code)))
            .collect()
    }

    /// The rows that apply to a record: by its diagnoses' code prefixes, its DMCGs, and the
    /// Danish-analyzed tokens of its text.
    pub fn rows_for(&self, dmcgs: &[&str], prefixes: &[String], tokens: &[String]) -> Vec<usize> {
        let mut found = BTreeSet::new();
        for (r, row) in self.rows.iter().enumerate() {
            let applies = match &row.scope {
                Scope::Codes(codes) => codes
                    .iter()
                    .any(|c| prefixes.iter().any(|p| overlaps(p, c))),
                Scope::WholeDmcg => row.dmcg.as_deref().is_some_and(|d| dmcgs.contains(&d)),
                Scope::TextOnly => false,
            };
            if applies {
                found.insert(r);
            }
        }
        for (i, token) in tokens.iter().enumerate() {
            for (rest, r) in self.triggers.get(token).into_iter().flatten() {
                if tokens.get(i + 1..i + 1 + rest.len()) == Some(rest.as_slice()) {
                    found.insert(*r);
                }
            }
        }
        found.into_iter().collect()
    }

    /// Every term of the rows that list this one-token term (Danish-analyzed), so a snippet
    /// can show "brystkræft" for a search for "mammacancer".
    pub fn related_terms(&self, token: &str) -> Vec<&str> {
        self.single_terms
            .get(token)
            .into_iter()
            .flatten()
            .flat_map(|&r| self.rows[r].terms.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary::builtin().expect("the seed files parse")
    }

    #[test]
    fn the_synonym_file_has_sixty_rows_covering_every_dmcg() {
        let v = vocabulary();
        assert!(v.rows().len() >= 60, "{} rows", v.rows().len());
        let mut reader = csv::Reader::from_reader(include_str!("../../seed/dmcgs.csv").as_bytes());
        for record in reader.records() {
            let record = record.expect("dmcgs.csv row");
            let acronym = record.get(0).expect("acronym");
            assert!(
                v.rows().iter().any(|r| r.dmcg.as_deref() == Some(acronym)),
                "no synonyms for {acronym}"
            );
        }
    }

    #[test]
    fn ranges_expand_to_categories_or_subcodes() {
        let list = IcdPatternList::parse_list("C18-C20 C924-C926 C50").expect("valid");
        assert_eq!(
            code_prefixes(&list),
            ["C18", "C19", "C20", "C50", "C924", "C925", "C926"]
        );
        let broad = IcdPatternList::parse_list("C00-C97").expect("valid");
        assert!(code_prefixes(&broad).is_empty());
    }

    #[test]
    fn names_cover_subcodes_and_the_category_of_a_subcode() {
        let v = vocabulary();
        let names = |codes: &[&str]| -> Vec<String> {
            let prefixes: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
            v.icd_names(&prefixes)
                .iter()
                .map(|n| n.code.clone())
                .collect()
        };
        assert_eq!(names(&["C50"]), ["C50"]);
        assert!(names(&["C91"]).contains(&"C911".to_owned()));
        assert!(names(&["C911"]).contains(&"C91".to_owned()));
        assert!(!names(&["C911"]).contains(&"C910".to_owned()));
    }

    #[test]
    fn rows_apply_by_codes_by_dmcg_and_by_words_in_the_text() {
        let v = vocabulary();
        let terms = |rows: Vec<usize>| -> Vec<String> {
            rows.iter()
                .flat_map(|&r| v.rows()[r].terms.clone())
                .collect()
        };
        let by_code = terms(v.rows_for(&["DCCG"], &["C18".to_owned()], &[]));
        assert!(by_code.contains(&"tarmkræft".to_owned()));
        let by_dmcg = terms(v.rows_for(&["DAPHO"], &[], &[]));
        assert!(by_dmcg.contains(&"børnekræft".to_owned()));
        let mut da = analysis::danish();
        let tokens = analysis::tokens(&mut da, "Et forsøg med protonterapi til børn");
        let by_text = terms(v.rows_for(&["DAHANCA"], &[], &tokens));
        assert!(by_text.contains(&"partikelterapi".to_owned()));
        assert!(!by_text.contains(&"tarmkræft".to_owned()));
    }
}
