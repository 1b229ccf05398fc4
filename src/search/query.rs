//! From what a person typed to tantivy queries. Nothing typed is syntax: quotes make a phrase
//! when they pair up and are ignored when they do not; brackets, colons, stars and operators
//! are just punctuation or stop words. Also the structured filters as a tantivy pre-filter.

use std::ops::Bound;
use std::ops::Range;

use dccc_matching::IcdCode;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::analysis::{self, fold, is_stop_word, key};
use super::schema::{Fields, TextField};
use crate::catalogue::ProtocolQuery;

/// Longer input is cut here (the web layer already cuts at 500 characters).
pub const MAX_QUERY_CHARS: usize = 500;
/// Words after this many are ignored: nobody describes a trial in more.
pub const MAX_WORDS: usize = 16;
/// Words this long or longer get fuzzy variants when exact terms find little.
pub const FUZZY_MIN_CHARS: usize = 5;

const QUOTES: [char; 6] = ['"', '“', '”', '„', '«', '»'];

/// One word of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As typed.
    pub text: String,
    /// Lower-cased and folded.
    pub folded: String,
    /// Byte range in the cleaned text, for building a corrected query.
    pub span: Range<usize>,
    /// The canonical ICD-10 code when the word is one (`C50.9`, `DC509` → `C509`).
    pub code: Option<String>,
}

impl Word {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
    fn has_digit(&self) -> bool {
        self.text.chars().any(|c| c.is_ascii_digit())
    }
    /// Whether a misspelling of it is worth looking for.
    pub fn fuzzy_candidate(&self) -> bool {
        self.code.is_none() && !self.has_digit() && self.chars() >= FUZZY_MIN_CHARS
    }
    /// Whether a spelling suggestion is worth looking for.
    pub fn spelling_candidate(&self) -> bool {
        self.code.is_none() && !self.has_digit() && self.chars() >= 4
    }
}

/// The query text taken apart.
#[derive(Debug, Clone, Default)]
pub struct ParsedText {
    /// The text with control characters blanked and cut to [`MAX_QUERY_CHARS`].
    pub cleaned: String,
    /// Words that carry meaning (stop words left out).
    pub words: Vec<Word>,
    /// Quoted phrases of two or more words, as indexes into `words`.
    pub phrases: Vec<Vec<usize>>,
    /// Candidate exact keys (acronyms, identifiers), see [`analysis::key`].
    pub keys: Vec<String>,
}

impl ParsedText {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.keys.is_empty()
    }
}

/// Splits a chunk into words at anything that is not a letter or digit.
fn split_words(cleaned: &str, chunk: Range<usize>, out: &mut Vec<Word>) {
    let text = &cleaned[chunk.clone()];
    let mut start = None;
    let push = |from: usize, to: usize, out: &mut Vec<Word>| {
        let word = &text[from..to];
        out.push(Word {
            text: word.to_owned(),
            folded: fold(word),
            span: chunk.start + from..chunk.start + to,
            code: None,
        });
    };
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i, out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len(), out);
    }
}

/// Takes the query apart. Never fails: any input gives some (possibly empty) words.
pub fn parse(text: &str) -> ParsedText {
    let cleaned: String = text
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Whitespace chunks with their byte ranges, and whether each is inside paired quotes.
    let quote_count = cleaned.chars().filter(|c| QUOTES.contains(c)).count();
    let usable_quotes = quote_count - quote_count % 2;
    let mut chunks: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    let mut seen_quotes = 0;
    let mut phrase_no = 0;
    let mut start: Option<usize> = None;
    let mut in_phrase = false;
    for (i, c) in cleaned.char_indices() {
        let is_quote = QUOTES.contains(&c) && seen_quotes < usable_quotes;
        if c.is_whitespace() || is_quote {
            if let Some(s) = start.take() {
                chunks.push((s..i, in_phrase.then_some(phrase_no)));
            }
            if is_quote {
                seen_quotes += 1;
                if in_phrase {
                    phrase_no += 1;
                }
                in_phrase = !in_phrase;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        chunks.push((s..cleaned.len(), in_phrase.then_some(phrase_no)));
    }

    let mut parsed = ParsedText::default();
    let mut phrases: Vec<(usize, Vec<usize>)> = Vec::new();
    for (range, phrase) in &chunks {
        // A code keeps its dot: "C50.9" is one word, not "C50" and "9".
        let chunk = cleaned[range.clone()]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
            .trim_end_matches('.');
        let mut words = Vec::new();
        match chunk.parse::<IcdCode>() {
            Ok(code) if !chunk.is_empty() => {
                let offset = cleaned[range.clone()].find(chunk).unwrap_or(0) + range.start;
                words.push(Word {
                    text: chunk.to_owned(),
                    folded: fold(chunk),
                    span: offset..offset + chunk.len(),
                    code: Some(code.as_str().to_owned()),
                });
            }
            _ => split_words(&cleaned, range.clone(), &mut words),
        }
        for word in words {
            if is_stop_word(&word.folded) || parsed.words.len() >= MAX_WORDS {
                continue;
            }
            if let Some(p) = phrase {
                match phrases.iter_mut().find(|(n, _)| n == p) {
                    Some((_, members)) => members.push(parsed.words.len()),
                    None => phrases.push((*p, vec![parsed.words.len()])),
                }
            }
            parsed.words.push(word);
        }
    }
    parsed.phrases = phrases
        .into_iter()
        .map(|(_, members)| members)
        .filter(|m| m.len() >= 2)
        .collect();

    // Exact keys: the whole text, each chunk, and runs of two and three chunks ("DAHANCA 35").
    let chunk_keys: Vec<String> = chunks
        .iter()
        .map(|(r, _)| key(&cleaned[r.clone()]))
        .collect();
    let mut keys = vec![key(&cleaned)];
    for n in 1..=3 {
        for window in chunk_keys.windows(n) {
            keys.push(window.concat());
        }
    }
    keys.retain(|k| k.len() >= 3 && k.len() <= 60);
    keys.sort();
    keys.dedup();
    parsed.keys = keys;
    parsed.cleaned = cleaned;
    parsed
}

/// The text with some words replaced, for "did you mean".
pub fn corrected(parsed: &ParsedText, replacements: &[(usize, String)]) -> String {
    let mut text = parsed.cleaned.clone();
    let mut sorted: Vec<&(usize, String)> = replacements.iter().collect();
    sorted.sort_by_key(|(i, _)| std::cmp::Reverse(parsed.words[*i].span.start));
    for (i, replacement) in sorted {
        text.replace_range(parsed.words[*i].span.clone(), replacement);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The analyzers of the index by name, so each word is analyzed as each field is.
pub struct Analyzers {
    danish: TextAnalyzer,
    english: TextAnalyzer,
    plain: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Self {
            danish: analysis::danish(),
            english: analysis::english(),
            plain: analysis::plain(),
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
    /// records, folded but not stemmed.
    pub fn fuzzy_query(&mut self, word: &Word) -> Option<Box<dyn Query>> {
        if !word.fuzzy_candidate() {
            return None;
        }
        let token = self.analyzers.token(analysis::PLAIN, &word.text)?;
        let term = Term::from_field_text(self.fields.fuzzy, &token);
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

/// Optimal-string-alignment distance (Levenshtein with adjacent transpositions), on characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        parse(text).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn hostile_input_parses_into_plain_words_or_nothing() {
        let cases: &[(&str, &[&str])] = &[
            ("\"", &[]),
            ("(((", &[]),
            ("AND OR", &[]),
            ("*", &[]),
            ("title_da:brystkræft", &["title", "da", "brystkræft"]),
            ("brystkræft AND (lunge OR", &["brystkræft", "lunge"]),
            (
                "'; DROP TABLE protocols; --",
                &["DROP", "TABLE", "protocols"],
            ),
            (
                "<script>alert(1)</script>",
                &["script", "alert", "1", "script"],
            ),
            ("\u{0}\u{7}kræft\u{1b}", &["kræft"]),
            ("-proton +foton ~2 ^3", &["proton", "foton", "2", "3"]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), *expected, "words of {text:?}");
        }
        let long = "kræft ".repeat(2000);
        assert_eq!(parse(&long).words.len(), MAX_WORDS);
        assert!(parse(&"x".repeat(10_000)).cleaned.len() <= MAX_QUERY_CHARS);
    }

    #[test]
    fn paired_quotes_make_phrases_and_a_lone_quote_is_ignored() {
        let parsed = parse("\"stereotaktisk strålebehandling\" lunge");
        assert_eq!(parsed.phrases, vec![vec![0, 1]]);
        assert_eq!(parsed.words.len(), 3);
        let lone = parse("\"stereotaktisk strålebehandling");
        assert!(lone.phrases.is_empty());
        assert_eq!(lone.words.len(), 2);
    }

    #[test]
    fn codes_and_keys_are_recognised() {
        let parsed = parse("DC50.9 metastatisk");
        assert_eq!(parsed.words[0].code.as_deref(), Some("C509"));
        assert_eq!(parsed.words[1].code, None);
        let keys = parse("DAHANCA 35").keys;
        assert!(keys.contains(&"dahanca35".to_owned()), "{keys:?}");
        let keys = parse("nct 03646955").keys;
        assert!(keys.contains(&"nct03646955".to_owned()), "{keys:?}");
    }

    #[test]
    fn stop_words_are_dropped_and_corrections_keep_the_rest_of_the_text() {
        let parsed = parse("brystkræft nær Odnese");
        assert_eq!(
            parsed
                .words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>(),
            ["brystkræft", "Odnese"]
        );
        assert_eq!(
            corrected(&parsed, &[(1, "odense".into())]),
            "brystkræft nær odense"
        );
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("leukemi", "leukæmi"), 1);
        assert_eq!(edit_distance("lymfom", "lyfmom"), 1);
        assert_eq!(edit_distance("odense", "odnese"), 1);
        assert_eq!(edit_distance("kræft", "kræft"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
