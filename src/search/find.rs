//! Running a text query. Hits come in tiers: exact acronym or identifier first, then records
//! matching (nearly) all words by BM25 with field weights — a word whose exact terms find
//! little also matching its misspellings, at a lower weight — and, only when that finds
//! nothing, records matching any word. Also the "did you mean" suggestion.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use super::analysis::{self, is_stop_word};
use super::parse::{self, edit_distance, ParsedText, Word};
use super::query::{Analyzers, QueryBuilder, WordTerms};
use super::snippet::{Highlight, Piece, Snippets};
use super::SearchIndex;
use crate::catalogue::{Catalogue, ProtocolQuery};

/// A word found in fewer documents than this also looks for misspellings of itself.
const LITTLE: usize = 3;

/// Fuzzy expansions of one word kept for highlighting.
const MAX_EXPANSIONS: usize = 12;

/// The result of a text query.
pub struct Found {
    /// Entry indexes into the snapshot, best first.
    pub candidates: Vec<usize>,
    /// The query with misspelt words replaced, when some word is unknown but close to one.
    pub suggestion: Option<String>,
    /// Whether misspellings had to be looked for.
    pub fuzzy: bool,
    addresses: Vec<DocAddress>,
    searcher: Searcher,
    index: SearchIndex,
    words: Vec<Word>,
    /// Words whose misspellings were looked for.
    fuzzy_words: Vec<Word>,
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found")
            .field("candidates", &self.candidates.len())
            .field("suggestion", &self.suggestion)
            .field("fuzzy", &self.fuzzy)
            .finish_non_exhaustive()
    }
}

/// Collects every hit with its protocol id and score.
struct AllHits;

struct SegmentHits {
    segment: SegmentOrdinal,
    ids: Column<u64>,
    hits: Vec<(u64, Score, DocAddress)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(u64, Score, DocAddress)>;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        Ok(SegmentHits {
            segment,
            ids: reader.fast_fields().u64("id")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        if fruits.len() == 1 {
            return Ok(fruits.pop().unwrap_or_default());
        }
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = Vec<(u64, Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(id) = self.ids.first(doc) {
            self.hits
                .push((id, score, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

/// Hits of the tiers in order, each record once.
#[derive(Default)]
struct Merged {
    /// Entries of the tiers before the current one (usually few: exact keys).
    earlier: HashSet<usize>,
    candidates: Vec<usize>,
    addresses: Vec<DocAddress>,
}

impl Merged {
    fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Appends a tier's hits by score (acronym order among equals), skipping records already
    /// listed and any the snapshot does not have (yet).
    fn add(&mut self, catalogue: &Catalogue, hits: Vec<(u64, Score, DocAddress)>) {
        self.earlier.extend(self.candidates.iter().copied());
        let mut tier: Vec<(Score, usize, DocAddress)> = hits
            .into_iter()
            .filter_map(|(id, score, address)| {
                let entry = catalogue.entry_by_id(i32::try_from(id).ok()?)?;
                Some((score, entry, address))
            })
            .collect();
        if !self.earlier.is_empty() {
            tier.retain(|(_, entry, _)| !self.earlier.contains(entry));
        }
        // Score, then acronym order; an entry indexed twice would sit next to itself.
        tier.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tier.dedup_by_key(|(_, entry, _)| *entry);
        self.candidates.reserve(tier.len());
        self.addresses.reserve(tier.len());
        for (_, entry, address) in tier {
            self.candidates.push(entry);
            self.addresses.push(address);
        }
    }
}

fn and(filter: Option<&dyn Query>, query: Box<dyn Query>) -> Box<dyn Query> {
    match filter {
        Some(f) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, f.box_clone()),
        ])),
        None => query,
    }
}

impl SearchIndex {
    /// Searches for `query.q` within the structured filters; `None` when there is no text or
    /// it has no searchable word (only punctuation or stop words), which means "no text search".
    pub fn search(
        &self,
        catalogue: &Catalogue,
        query: &ProtocolQuery,
    ) -> anyhow::Result<Option<Found>> {
        let Some(text) = query.q.as_deref() else {
            return Ok(None);
        };
        let parsed = parse::parse(text);
        if parsed.is_empty() {
            return Ok(None);
        }
        let searcher = self.inner.reader.searcher();
        let fields = &self.inner.fields;
        let mut qb = QueryBuilder::new(fields, &searcher);
        let filter = qb.filter(query);
        let filter = filter.as_deref();
        let run = |q: Box<dyn Query>| searcher.search(&*and(filter, q), &AllHits);
        let mut merged = Merged::default();

        if !parsed.keys.is_empty() {
            merged.add(catalogue, run(qb.key_query(&parsed.keys))?);
        }
        let terms: Vec<WordTerms> = parsed.words.iter().map(|w| qb.word_terms(w)).collect();
        // Each word: its exact terms, plus misspellings when the exact terms are rare (a word
        // of five letters or more found in fewer than LITTLE places, or nowhere).
        let mut fuzzy = false;
        let mut fuzzy_words = Vec::new();
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for (word, word_terms) in parsed.words.iter().zip(&terms) {
            let exact = QueryBuilder::word_query(word_terms);
            let variants = if word_terms.doc_freq < LITTLE as u64 {
                qb.fuzzy_query(word)
            } else {
                None
            };
            if variants.is_some() {
                fuzzy |= word_terms.doc_freq == 0;
                fuzzy_words.push(word.clone());
            }
            match (exact, variants) {
                (Some(e), Some(v)) => {
                    clauses.push(Box::new(DisjunctionMaxQuery::new(vec![e, v])));
                }
                (Some(q), None) | (None, Some(q)) => clauses.push(q),
                (None, None) => {}
            }
        }
        let phrases: Vec<Box<dyn Query>> = parsed
            .phrases
            .iter()
            .filter_map(|members| {
                let words: Vec<&Word> = members.iter().map(|&i| &parsed.words[i]).collect();
                qb.phrase_query(&words)
            })
            .collect();

        if !clauses.is_empty() {
            // All words of a short query; all but a quarter of a longer one.
            let required = clauses.len() - clauses.len() / 4;
            let mut all: Vec<(Occur, Box<dyn Query>)> = clauses
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect();
            all.extend(phrases.iter().map(|q| (Occur::Must, q.box_clone())));
            let main = BooleanQuery::with_minimum_required_clauses(all, required);
            merged.add(catalogue, run(Box::new(main))?);
        }
        // Nothing has (nearly) all the words: show what has any of them, best first.
        if merged.len() == 0 && (clauses.len() > 1 || !phrases.is_empty()) {
            let any = BooleanQuery::union(clauses.iter().map(|q| q.box_clone()).collect());
            merged.add(catalogue, run(Box::new(any))?);
        }

        let suggestion = self.suggestion(&searcher, &parsed, &terms);
        Ok(Some(Found {
            candidates: merged.candidates,
            suggestion,
            fuzzy,
            addresses: merged.addresses,
            searcher,
            index: self.clone(),
            words: parsed.words,
            fuzzy_words,
        }))
    }

    /// "Did you mean": each word found nowhere replaced by the closest word of the spelling
    /// vocabulary (fewest edits, then most documents).
    fn suggestion(
        &self,
        searcher: &Searcher,
        parsed: &ParsedText,
        terms: &[WordTerms],
    ) -> Option<String> {
        let spell = self.inner.fields.words;
        let mut replacements = Vec::new();
        for (i, word) in parsed.words.iter().enumerate() {
            if terms[i].doc_freq > 0 || !word.spelling_candidate() {
                continue;
            }
            let lower = word.text.to_lowercase();
            let distance = if word.chars() >= 7 { 2 } else { 1 };
            let mut counts: HashMap<String, u64> = HashMap::new();
            for term in expansions(searcher, spell, &lower, distance, usize::MAX) {
                *counts.entry(term.0).or_default() += term.1;
            }
            let best = counts
                .into_iter()
                .filter(|(t, _)| *t != lower && t.chars().all(char::is_alphabetic))
                .min_by(|a, b| {
                    edit_distance(&lower, &a.0)
                        .cmp(&edit_distance(&lower, &b.0))
                        .then(b.1.cmp(&a.1))
                        .then(a.0.cmp(&b.0))
                });
            if let Some((term, _)) = best {
                replacements.push((i, term));
            }
        }
        (!replacements.is_empty()).then(|| parse::corrected(parsed, &replacements))
    }
}

/// Terms of a field within `distance` edits of `text`, with their document counts.
fn expansions(
    searcher: &Searcher,
    field: Field,
    text: &str,
    distance: u8,
    limit: usize,
) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let query = FuzzyTermQuery::new(Term::from_field_text(field, text), distance, true);
    for segment in searcher.segment_readers() {
        let (Ok(automaton), Ok(inverted)) = (query.automaton(), segment.inverted_index(field))
        else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() && out.len() < limit {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                out.push((term.to_owned(), u64::from(stream.value().doc_freq)));
            }
        }
    }
    out
}

impl Found {
    /// The terms to mark in each stored field: the words as that field analyzes them, the
    /// one-word terms of synonym groups a word belongs to, and what misspelt words matched.
    fn highlight(&self) -> Highlight {
        let inner = &self.index.inner;
        let f = &inner.fields;
        let mut analyzers = Analyzers::default();
        let mut extra: Vec<String> = Vec::new();
        for word in &self.words {
            if let Some(token) = analyzers.token(analysis::DANISH, &word.text) {
                // One-word terms only: the parts of "kræft i brystet" would mark every "kræft".
                extra.extend(
                    inner
                        .vocabulary
                        .related_terms(&token)
                        .into_iter()
                        .filter(|t| t.chars().all(char::is_alphanumeric))
                        .filter(|t| !is_stop_word(&analysis::fold(t)))
                        .map(str::to_owned),
                );
            }
        }
        for word in &self.fuzzy_words {
            if let Some(token) = analyzers.token(analysis::SPELL, &word.text) {
                let distance = QueryBuilder::fuzzy_distance(word);
                let found = expansions(&self.searcher, f.words, &token, distance, MAX_EXPANSIONS);
                extra.extend(found.into_iter().map(|(term, _)| term));
            }
        }
        let mut per_field = |field: Field, analyzer: &str| -> (Field, BTreeMap<String, f32>) {
            let mut terms = BTreeMap::new();
            for word in &self.words {
                if let Some(token) = analyzers.token(analyzer, &word.text) {
                    terms.insert(token, 1.0);
                }
            }
            for term in &extra {
                if let Some(token) = analyzers.token(analyzer, term) {
                    terms.entry(token).or_insert(0.5);
                }
            }
            (field, terms)
        };
        let (da, en, plain) = (analysis::DANISH, analysis::ENGLISH, analysis::PLAIN);
        Highlight {
            danish: vec![
                per_field(f.summary_da, da),
                per_field(f.criteria_da, da),
                per_field(f.keywords_da, da),
                per_field(f.diagnosis_da, da),
                per_field(f.places, plain),
            ],
            english: vec![
                per_field(f.summary_en, en),
                per_field(f.criteria_en, en),
                per_field(f.keywords_en, en),
                per_field(f.diagnosis_en, en),
                per_field(f.places, plain),
            ],
        }
    }

    /// Snippets for some of the found entries (a page), in the reader's language first.
    pub fn snippets(&self, entries: &[usize], english: bool) -> Vec<Option<Vec<Piece>>> {
        let wanted: HashMap<usize, usize> =
            entries.iter().enumerate().map(|(i, &e)| (e, i)).collect();
        let mut addresses: Vec<Option<DocAddress>> = vec![None; entries.len()];
        for (entry, address) in self.candidates.iter().zip(&self.addresses) {
            if let Some(&i) = wanted.get(entry) {
                addresses[i] = Some(*address);
            }
        }
        if entries.is_empty() {
            return Vec::new();
        }
        let highlight = self.highlight();
        let (first, second) = if english {
            (&highlight.english, &highlight.danish)
        } else {
            (&highlight.danish, &highlight.english)
        };
        // Each stored text is analyzed once here: the registered analyzers' word caches
        // would only be filled and thrown away.
        let schema = self.searcher.schema();
        let analyzers =
            |list: &[(Field, BTreeMap<String, f32>)]| -> Vec<tantivy::tokenizer::TextAnalyzer> {
                list.iter()
                    .map(|(field, _)| {
                        let name = match schema.get_field_entry(*field).field_type() {
                            tantivy::schema::FieldType::Str(options) => options
                                .get_indexing_options()
                                .map(|indexing| indexing.tokenizer()),
                            _ => None,
                        };
                        analysis::uncached(name.unwrap_or(analysis::PLAIN))
                    })
                    .collect()
            };
        let primary = Snippets::new(first, &analyzers(first));
        let fallback = Snippets::new(second, &analyzers(second));
        addresses
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = self.searcher.doc(address?).ok()?;
                primary.pieces(&doc).or_else(|| fallback.pieces(&doc))
            })
            .collect()
    }
}
