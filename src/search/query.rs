//! From parsed words to tantivy queries: each word over the weighted fields as each field
//! analyzes it, misspellings in the folded names field, quoted phrases, exact keys, and the
//! structured filters as a pre-filter inside the index.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::analysis;
use super::parse::Word;
use super::schema::{Fields, TextField};
use crate::catalogue::ProtocolQuery;

/// The analyzers of the index by name, so each word is analyzed as each field is. Made per
/// query for a few words: the chains without the indexing's word cache.
pub struct Analyzers {
    danish: TextAnalyzer,
    english: TextAnalyzer,
    plain: TextAnalyzer,
    spelling: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Self {
            danish: analysis::uncached(analysis::DANISH),
            english: analysis::uncached(analysis::ENGLISH),
            plain: analysis::uncached(analysis::PLAIN),
            spelling: analysis::uncached(analysis::SPELL),
        }
    }
}

impl Analyzers {
    /// The single token a word becomes in a field (words have no inner punctuation, so at most
    /// one; none when the word is too long).
    pub fn token(&mut self, analyzer: &str, word: &str) -> Option<String> {
        let a = match analyzer {
            analysis::DANISH => &mut self.danish,
            analysis::ENGLISH => &mut self.english,
            analysis::SPELL => &mut self.spelling,
            _ => &mut self.plain,
        };
        analysis::tokens(a, word).into_iter().next()
    }
}

/// The terms a word is looked for with: one per field it occurs in at all.
pub struct WordTerms {
    pub terms: Vec<(TextField, Term)>,
    /// Documents containing the word in some field (summed over fields).
    pub doc_freq: u64,
}

/// Builds queries against one searcher (whose statistics decide which terms exist).
pub struct QueryBuilder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    pub analyzers: Analyzers,
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

impl<'a> QueryBuilder<'a> {
    pub fn new(fields: &'a Fields, searcher: &'a Searcher) -> Self {
        Self {
            fields,
            searcher,
            analyzers: Analyzers::default(),
        }
    }

    fn doc_freq(&self, term: &Term) -> u64 {
        // A failed statistics read only loses the term; it never fails the search.
        self.searcher.doc_freq(term).unwrap_or(0)
    }

    /// The word's terms in every scored field where they occur.
    pub fn word_terms(&mut self, word: &Word) -> WordTerms {
        let mut terms = Vec::new();
        let mut doc_freq = 0;
        if let Some(code) = &word.code {
            // An ICD-10 code: itself and its category, in the codes field only.
            let field = self
                .fields
                .scored()
                .into_iter()
                .find(|f| f.field == self.fields.codes);
            if let Some(field) = field {
                let code = code.to_lowercase();
                let mut variants = vec![code.clone()];
                variants.extend(code.get(..3).map(str::to_owned));
                variants.dedup();
                for v in variants {
                    let term = Term::from_field_text(field.field, &v);
                    let df = self.doc_freq(&term);
                    if df > 0 {
                        doc_freq += df;
                        terms.push((field, term));
                    }
                }
            }
            return WordTerms { terms, doc_freq };
        }
        // Three analyzers serve all fields: analyze the word once with each.
        let mut tokens: Vec<(&str, Option<String>)> = Vec::with_capacity(3);
        for field in self.fields.scored() {
            let token = match tokens.iter().find(|(a, _)| *a == field.analyzer) {
                Some((_, t)) => t.clone(),
                None => {
                    let t = self.analyzers.token(field.analyzer, &word.text);
                    tokens.push((field.analyzer, t.clone()));
                    t
                }
            };
            let Some(token) = token else {
                continue;
            };
            let term = Term::from_field_text(field.field, &token);
            let df = self.doc_freq(&term);
            if df > 0 {
                doc_freq += df;
                terms.push((field, term));
            }
        }
        WordTerms { terms, doc_freq }
    }

    /// The best field match of a word, plus a little for each further field.
    pub fn word_query(terms: &WordTerms) -> Option<Box<dyn Query>> {
        if terms.terms.is_empty() {
            return None;
        }
        let disjuncts: Vec<Box<dyn Query>> = terms
            .terms
            .iter()
            .map(|(field, term)| {
                boxed(BoostQuery::new(
                    boxed(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    field.boost,
                ))
            })
            .collect();
        Some(boxed(DisjunctionMaxQuery::with_tie_breaker(disjuncts, 0.2)))
    }

    /// How many edits a misspelling of the word may be away: one, two for long words.
    pub fn fuzzy_distance(word: &Word) -> u8 {
        if word.chars() >= 8 {
            2
        } else {
            1
        }
    }

    /// Misspellings of a word (one or two edits) among the names and lay terms of the
    /// records, lower-cased (an æ, ø or å counts as one letter: "brystkrft" is one edit from
    /// "brystkræft").
    pub fn fuzzy_query(&mut self, word: &Word) -> Option<Box<dyn Query>> {
        if !word.fuzzy_candidate() {
            return None;
        }
        let token = self.analyzers.token(analysis::SPELL, &word.text)?;
        let term = Term::from_field_text(self.fields.words, &token);
        Some(boxed(BoostQuery::new(
            boxed(FuzzyTermQuery::new(term, Self::fuzzy_distance(word), true)),
            1.5,
        )))
    }

    /// The words of a quoted phrase in order, in any text field that has them so.
    pub fn phrase_query(&mut self, words: &[&Word]) -> Option<Box<dyn Query>> {
        let mut disjuncts = Vec::new();
        for field in self.fields.scored() {
            if field.field == self.fields.codes {
                continue;
            }
            let tokens: Option<Vec<String>> = words
                .iter()
                .map(|w| self.analyzers.token(field.analyzer, &w.text))
                .collect();
            let Some(tokens) = tokens.filter(|t| t.len() >= 2) else {
                continue;
            };
            let terms: Vec<Term> = tokens
                .iter()
                .map(|t| Term::from_field_text(field.field, t))
                .collect();
            if terms.iter().all(|t| self.doc_freq(t) > 0) {
                disjuncts.push(boxed(BoostQuery::new(
                    boxed(PhraseQuery::new(terms)),
                    field.boost,
                )));
            }
        }
        if disjuncts.is_empty() {
            return None;
        }
        Some(boxed(DisjunctionMaxQuery::new(disjuncts)))
    }

    /// Documents holding one of the exact keys.
    pub fn key_query(&self, keys: &[String]) -> Box<dyn Query> {
        let terms = keys
            .iter()
            .map(|k| Term::from_field_text(self.fields.key, k));
        boxed(TermSetQuery::new(terms))
    }

    /// The structured filters as a query that keeps at least every record they admit
    /// ([`ProtocolQuery::admits`] has the last word), or `None` when nothing is filtered.
    pub fn filter(&self, query: &ProtocolQuery) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let text_set = |field: Field, values: Vec<&str>| -> Box<dyn Query> {
            match values.as_slice() {
                [one] => boxed(TermQuery::new(
                    Term::from_field_text(field, one),
                    IndexRecordOption::Basic,
                )),
                _ => boxed(TermSetQuery::new(
                    values.into_iter().map(|v| Term::from_field_text(field, v)),
                )),
            }
        };
        if let Some(statuses) = &query.statuses {
            musts.push((
                Occur::Must,
                text_set(f.status, statuses.iter().map(|s| s.as_str()).collect()),
            ));
        }
        if !query.dmcgs.is_empty() {
            musts.push((
                Occur::Must,
                text_set(f.dmcg, query.dmcgs.iter().map(String::as_str).collect()),
            ));
        }
        if !query.phases.is_empty() {
            musts.push((
                Occur::Must,
                text_set(f.phase, query.phases.iter().map(|p| p.as_str()).collect()),
            ));
        }
        if !query.regions.is_empty() {
            // Any department in the region: open trials need an open one, which `admits` checks.
            let terms = query.regions.iter().map(|r| {
                Term::from_field_u64(f.regions_any, u64::try_from(r.code()).unwrap_or_default())
            });
            musts.push((Occur::Must, boxed(TermSetQuery::new(terms))));
        }
        let at_least = |field: Field, n: u64| -> Box<dyn Query> {
            boxed(RangeQuery::new(
                Bound::Included(Term::from_field_u64(field, n)),
                Bound::Unbounded,
            ))
        };
        let at_most = |field: Field, n: u64| -> Box<dyn Query> {
            boxed(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_u64(field, n)),
            ))
        };
        match query.paediatric {
            Some(true) => musts.push((
                Occur::Must,
                boxed(TermQuery::new(
                    Term::from_field_bool(f.paediatric, true),
                    IndexRecordOption::Basic,
                )),
            )),
            Some(false) => musts.push((Occur::Must, at_least(f.age_max, 18))),
            None => {}
        }
        if !query.ages.is_empty() {
            let any_age: Vec<Box<dyn Query>> = query
                .ages
                .iter()
                .map(|&a| {
                    boxed(BooleanQuery::intersection(vec![
                        at_most(f.age_min, u64::from(a)),
                        at_least(f.age_max, u64::from(a)),
                    ]))
                })
                .collect();
            musts.push((Occur::Must, boxed(BooleanQuery::union(any_age))));
        }
        if musts.is_empty() {
            return None;
        }
        Some(boxed(ConstScoreQuery::new(
            boxed(BooleanQuery::new(musts)),
            0.0,
        )))
    }
}
