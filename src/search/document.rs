//! One published protocol as an index document: its text split into Danish and English fields,
//! the names and lay terms the vocabulary adds, exact keys, and the fast fields filters use.

use dccc_matching::{RecruitmentStatus, SexEligibility, SiteStatus};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::TantivyDocument;

use super::analysis::{self, key};
use super::schema::Fields;
use super::vocabulary::{code_prefixes, Vocabulary};
use crate::catalogue::Catalogue;
use crate::db::protocols::StoredProtocol;

/// Builds documents; holds an analyzer so a batch does not make one per record.
pub struct DocumentBuilder<'a> {
    fields: &'a Fields,
    catalogue: &'a Catalogue,
    vocabulary: &'a Vocabulary,
    danish: TextAnalyzer,
}

/// The microseconds `updated` stores, so an index can tell which records changed.
pub fn updated_micros(t: chrono::NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

/// Keys an exact match is looked up by: the whole acronym, the acronym after its first word
/// ("RT-NATURAL" of "DBCG RT-NATURAL") when that has a letter, and each identifier.
pub fn protocol_keys(stored: &StoredProtocol) -> Vec<String> {
    let p = &stored.protocol;
    let mut keys = vec![key(&p.acronym)];
    if let Some((_, rest)) = p.acronym.trim().split_once(char::is_whitespace) {
        let rest = key(rest);
        if rest.chars().any(char::is_alphabetic) && rest.len() >= 3 {
            keys.push(rest);
        }
    }
    let ids = &p.identifiers;
    keys.extend(ids.nct.as_ref().map(|v| key(v.as_str())));
    keys.extend(ids.eudract.as_ref().map(|v| key(v.as_str())));
    keys.extend(ids.eu_ct.as_ref().map(|v| key(v.as_str())));
    keys.sort();
    keys.dedup();
    keys
}

/// Joins the non-empty parts with ". " (so no phrase runs from one part into the next).
fn joined<'s>(parts: impl IntoIterator<Item = &'s str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(". ")
}

impl<'a> DocumentBuilder<'a> {
    pub fn new(fields: &'a Fields, catalogue: &'a Catalogue, vocabulary: &'a Vocabulary) -> Self {
        Self {
            fields,
            catalogue,
            vocabulary,
            danish: analysis::danish(),
        }
    }

    pub fn build(&mut self, stored: &StoredProtocol) -> TantivyDocument {
        let f = self.fields;
        let p = &stored.protocol;
        let e = &p.eligibility;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, u64::try_from(stored.id).unwrap_or_default());
        doc.add_i64(f.updated, updated_micros(stored.updated_at));
        for k in protocol_keys(stored) {
            doc.add_text(f.key, k);
        }
        doc.add_text(f.acronym, &p.acronym);
        let title_da = p.title_da.as_deref().unwrap_or_default();
        let title_en = p.title_en.as_deref().unwrap_or_default();
        doc.add_text(f.title_da, title_da);
        doc.add_text(f.title_en, title_en);

        // The cancer groups: acronyms, names and areas.
        let mut dmcgs: Vec<&str> = vec![p.dmcg.as_str()];
        dmcgs.extend(p.other_dmcgs.iter().map(String::as_str));
        let mut group_da = Vec::new();
        let mut group_en = Vec::new();
        for acronym in &dmcgs {
            group_da.push(*acronym);
            group_en.push(*acronym);
            if let Some(d) = self.catalogue.dmcg(acronym) {
                group_da.extend([d.name_da.as_str(), d.area_da.as_str()]);
                group_en.push(d.area_en.as_str());
            }
        }
        let group_da = joined(group_da);
        let group_en = joined(group_en);
        doc.add_text(f.group_da, &group_da);
        doc.add_text(f.group_en, &group_en);

        // Diagnoses by name, and the structured criteria in words.
        let prefixes = code_prefixes(&e.diagnoses);
        let names = self.vocabulary.icd_names(&prefixes);
        let mut diagnosis_da: Vec<String> = names.iter().map(|n| n.da.clone()).collect();
        let mut diagnosis_en: Vec<String> = names.iter().map(|n| n.en.clone()).collect();
        for s in &e.settings {
            diagnosis_da.push(s.label_da().to_owned());
            diagnosis_en.push(s.label_en().to_owned());
        }
        for s in &e.stages {
            diagnosis_da.push(s.label_da().to_owned());
            diagnosis_en.push(s.label_en().to_owned());
        }
        // Required markers only: a trial that excludes EGFR-positive patients is not one to
        // find by "EGFR".
        for b in &e.biomarkers_required {
            diagnosis_da.push(format!("{} {}", b.marker, b.status.label_da()));
            diagnosis_en.push(format!("{} {}", b.marker, b.status.label_en()));
        }
        match e.sex {
            SexEligibility::Female => {
                diagnosis_da.push("kvinder".into());
                diagnosis_en.push("women".into());
            }
            SexEligibility::Male => {
                diagnosis_da.push("mænd".into());
                diagnosis_en.push("men".into());
            }
            SexEligibility::All => {}
        }
        if !e.admits_adults() {
            diagnosis_da.push("børn og unge".into());
            diagnosis_en.push("children and adolescents".into());
        }
        let diagnosis_da = joined(diagnosis_da.iter().map(String::as_str));
        let diagnosis_en = joined(diagnosis_en.iter().map(String::as_str));
        doc.add_text(f.diagnosis_da, &diagnosis_da);
        doc.add_text(f.diagnosis_en, &diagnosis_en);

        // Codes, identifiers and sponsor: matched as typed.
        let mut codes: Vec<String> = e.diagnoses.0.iter().map(ToString::to_string).collect();
        codes.extend(prefixes.iter().cloned());
        codes.extend(
            prefixes
                .iter()
                .filter_map(|c| c.get(..3))
                .map(str::to_owned),
        );
        let ids = &p.identifiers;
        codes.extend(ids.nct.as_ref().map(|v| v.as_str().to_owned()));
        codes.extend(ids.eudract.as_ref().map(|v| v.as_str().to_owned()));
        codes.extend(ids.eu_ct.as_ref().map(|v| v.as_str().to_owned()));
        codes.extend(p.sponsor.clone());
        doc.add_text(f.codes, codes.join(" "));

        // Keywords and interventions have no language of their own; both analyzers see them.
        let keywords = joined(
            p.keywords
                .iter()
                .chain(&p.interventions)
                .map(String::as_str),
        );
        doc.add_text(f.keywords_da, &keywords);
        doc.add_text(f.keywords_en, &keywords);

        let summary_da = p.summary_da.as_deref().unwrap_or_default();
        let summary_en = p.summary_en.as_deref().unwrap_or_default();
        let criteria_da = p.criteria_text_da.as_deref().unwrap_or_default();
        let criteria_en = p.criteria_text_en.as_deref().unwrap_or_default();
        doc.add_text(f.summary_da, summary_da);
        doc.add_text(f.summary_en, summary_en);
        doc.add_text(f.criteria_da, criteria_da);
        doc.add_text(f.criteria_en, criteria_en);

        // Lay terms and synonyms the vocabulary earns this record.
        let own_text = [
            title_da,
            title_en,
            summary_da,
            summary_en,
            criteria_da,
            criteria_en,
            &keywords,
        ]
        .join(". ");
        let tokens = analysis::tokens(&mut self.danish, &own_text);
        let rows = self.vocabulary.rows_for(&dmcgs, &prefixes, &tokens);
        let synonyms = joined(
            rows.iter()
                .flat_map(|&r| self.vocabulary.rows()[r].terms.iter())
                .map(String::as_str),
        );
        doc.add_text(f.synonyms_da, &synonyms);
        doc.add_text(f.synonyms_en, &synonyms);

        // Departments: where, and the fast fields of where it is open.
        let mut places = Vec::new();
        let mut regions_open = Vec::new();
        let mut regions_any = Vec::new();
        for site in &p.sites {
            let Some(info) = self.catalogue.site(&site.site) else {
                continue;
            };
            places.extend([
                info.hospital.as_str(),
                info.department.as_str(),
                info.city.as_str(),
                info.region.short_da(),
            ]);
            let region = u64::try_from(info.region.code()).unwrap_or_default();
            if !regions_any.contains(&region) {
                regions_any.push(region);
            }
            if p.recruitment_status == RecruitmentStatus::Open
                && site.status == SiteStatus::Open
                && !regions_open.contains(&region)
            {
                regions_open.push(region);
            }
        }
        let places = joined(places);
        doc.add_text(f.places, &places);
        for r in regions_open {
            doc.add_u64(f.regions_open, r);
        }
        for r in regions_any {
            doc.add_u64(f.regions_any, r);
        }

        // Names and lay terms: where a misspelt word is matched, and the words spelling
        // suggestions are made of.
        let words = [
            p.acronym.as_str(),
            title_da,
            title_en,
            &group_da,
            &group_en,
            &diagnosis_da,
            &diagnosis_en,
            &keywords,
            &synonyms,
            &places,
        ]
        .join(". ");
        doc.add_text(f.words, words);

        doc.add_text(f.dmcg, &p.dmcg);
        doc.add_text(f.phase, p.phase.as_str());
        doc.add_text(f.status, p.recruitment_status.as_str());
        doc.add_bool(f.paediatric, e.admits_children());
        doc.add_u64(f.age_min, u64::from(e.age_min.unwrap_or(0)));
        doc.add_u64(f.age_max, u64::from(e.age_max.unwrap_or(u8::MAX)));
        doc
    }
}
