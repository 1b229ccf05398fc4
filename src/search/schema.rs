//! The index's schema: which fields exist, how each is analyzed, how much a match in it counts,
//! and the schema version that makes an index of an older layout be rebuilt.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use super::analysis::{DANISH, ENGLISH, PLAIN, SPELL};

/// Bump when fields, analyzers or what goes into a document change: an index on disk with
/// another version is rebuilt at start.
pub const SCHEMA_VERSION: u32 = 2;

/// A field searched by text, with its analyzer and weight.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub field: Field,
    pub analyzer: &'static str,
    pub boost: f32,
}

/// Every field of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The protocol id: the only thing a hit is turned back into.
    pub id: Field,
    /// `updated_at` of the indexed version, in microseconds, to tell what changed.
    pub updated: Field,
    /// Exact keys: acronym (with and without its DMCG) and identifiers, see [`super::analysis::key`].
    pub key: Field,
    pub acronym: Field,
    pub title_da: Field,
    pub title_en: Field,
    /// DMCG acronyms, names and areas.
    pub group_da: Field,
    pub group_en: Field,
    /// ICD-10 names, settings, stages and biomarkers.
    pub diagnosis_da: Field,
    pub diagnosis_en: Field,
    /// ICD-10 codes, identifiers and sponsor.
    pub codes: Field,
    /// Keywords and interventions.
    pub keywords_da: Field,
    pub keywords_en: Field,
    /// Lay terms and synonyms from the vocabulary.
    pub synonyms_da: Field,
    pub synonyms_en: Field,
    pub summary_da: Field,
    pub summary_en: Field,
    pub criteria_da: Field,
    pub criteria_en: Field,
    /// Hospitals, departments and towns of the departments.
    pub places: Field,
    /// Names and lay terms, lower-cased only (so they keep æ, ø and å): where misspellings are
    /// looked for, and the words spelling suggestions are made of. Not scored.
    pub words: Field,
    // Filters (fast fields).
    pub dmcg: Field,
    pub phase: Field,
    pub status: Field,
    pub regions_open: Field,
    pub regions_any: Field,
    pub paediatric: Field,
    pub age_min: Field,
    pub age_max: Field,
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

impl Fields {
    /// The schema and its fields.
    pub fn build() -> (Schema, Self) {
        let mut b = Schema::builder();
        let number = || -> NumericOptions { NumericOptions::default() | INDEXED | FAST };
        let words_indexing = TextFieldIndexing::default()
            .set_tokenizer(SPELL)
            .set_index_option(IndexRecordOption::Basic);
        let fields = Self {
            id: b.add_u64_field("id", INDEXED | FAST | STORED),
            updated: b.add_i64_field("updated", FAST | STORED),
            key: b.add_text_field("key", STRING),
            acronym: b.add_text_field("acronym", text(PLAIN, false)),
            title_da: b.add_text_field("title_da", text(DANISH, false)),
            title_en: b.add_text_field("title_en", text(ENGLISH, false)),
            group_da: b.add_text_field("group_da", text(DANISH, false)),
            group_en: b.add_text_field("group_en", text(ENGLISH, false)),
            diagnosis_da: b.add_text_field("diagnosis_da", text(DANISH, true)),
            diagnosis_en: b.add_text_field("diagnosis_en", text(ENGLISH, true)),
            codes: b.add_text_field("codes", text(PLAIN, false)),
            keywords_da: b.add_text_field("keywords_da", text(DANISH, true)),
            keywords_en: b.add_text_field("keywords_en", text(ENGLISH, true)),
            synonyms_da: b.add_text_field("synonyms_da", text(DANISH, false)),
            synonyms_en: b.add_text_field("synonyms_en", text(ENGLISH, false)),
            summary_da: b.add_text_field("summary_da", text(DANISH, true)),
            summary_en: b.add_text_field("summary_en", text(ENGLISH, true)),
            criteria_da: b.add_text_field("criteria_da", text(DANISH, true)),
            criteria_en: b.add_text_field("criteria_en", text(ENGLISH, true)),
            places: b.add_text_field("places", text(PLAIN, true)),
            words: b.add_text_field(
                "words",
                TextOptions::default().set_indexing_options(words_indexing),
            ),
            dmcg: b.add_text_field("dmcg", STRING | FAST),
            phase: b.add_text_field("phase", STRING | FAST),
            status: b.add_text_field("status", STRING | FAST),
            regions_open: b.add_u64_field("regions_open", number()),
            regions_any: b.add_u64_field("regions_any", number()),
            paediatric: b.add_bool_field("paediatric", INDEXED | FAST),
            age_min: b.add_u64_field("age_min", number()),
            age_max: b.add_u64_field("age_max", number()),
        };
        (b.build(), fields)
    }

    /// The fields a query's words are looked for in, with their weights: acronym and title
    /// first, then diagnoses and lay terms, then summaries, then criteria text.
    pub fn scored(&self) -> [TextField; 17] {
        let f = |field, analyzer, boost| TextField {
            field,
            analyzer,
            boost,
        };
        [
            f(self.acronym, PLAIN, 6.0),
            f(self.title_da, DANISH, 3.0),
            f(self.title_en, ENGLISH, 3.0),
            f(self.group_da, DANISH, 2.5),
            f(self.group_en, ENGLISH, 2.5),
            f(self.diagnosis_da, DANISH, 2.0),
            f(self.diagnosis_en, ENGLISH, 2.0),
            f(self.codes, PLAIN, 2.0),
            f(self.keywords_da, DANISH, 2.0),
            f(self.keywords_en, ENGLISH, 2.0),
            f(self.synonyms_da, DANISH, 1.8),
            f(self.synonyms_en, ENGLISH, 1.8),
            f(self.summary_da, DANISH, 1.5),
            f(self.summary_en, ENGLISH, 1.5),
            f(self.places, PLAIN, 1.2),
            f(self.criteria_da, DANISH, 1.0),
            f(self.criteria_en, ENGLISH, 1.0),
        ]
    }
}
