//! The protocol form: every field of the interchange format as named inputs (names are the
//! JSON paths, so validation errors land next to their fields), parsed back into a document.

use std::collections::HashMap;

use dccc_matching::{Phase, RecruitmentStatus, Setting, SiteStatus, Stage};

use crate::catalogue::Catalogue;
use crate::domain::interchange::{BiomarkerDoc, ContactDoc, SiteDoc};
use crate::domain::{msg, FieldError, ProtocolDoc};
use crate::web::forms::{error_lines, ErrorLine, FormData};
use crate::web::i18n::Lang;

/// Blank department rows offered below the filled ones (the form works without JavaScript).
const EXTRA_SITE_ROWS: usize = 3;
const BIOMARKER_ROWS: usize = 4;

#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

/// The form's state: values as the user typed them, and errors by field (shown in `lang`).
#[derive(Debug, Clone, Default)]
pub struct ProtocolForm {
    pub lang: Lang,
    values: HashMap<String, String>,
    multi: HashMap<String, Vec<String>>,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    pub site_rows: Vec<usize>,
    /// For each department of the document, the form row it was typed in.
    site_row_of: Vec<usize>,
    pub biomarker_rows: Vec<usize>,
    pub dmcgs: Vec<Opt>,
    pub all_dmcgs: Vec<Opt>,
    pub sites: Vec<Opt>,
    pub phases: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub site_statuses: Vec<Opt>,
    pub settings: Vec<Opt>,
    pub stages: Vec<Opt>,
    /// Fields an import suggested or left to write, until the editor confirms them.
    pub marked_fields: Vec<String>,
    /// The errors are those of a saved draft (kept as it is), not of a refused submission.
    pub saved_with_errors: bool,
    /// Of the marked fields, those an import left to write (the Danish title and summary).
    pub to_write: Vec<String>,
}

fn opts<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Opt> {
    all.iter()
        .map(|&x| Opt {
            value: value(x).into(),
            label: label(x).into(),
        })
        .collect()
}

fn put(values: &mut HashMap<String, String>, key: &str, value: Option<impl ToString>) {
    if let Some(v) = value {
        values.insert(key.to_owned(), v.to_string());
    }
}

impl ProtocolForm {
    /// Whether an import suggested `field` (or left it to write) and nobody confirmed it yet.
    pub fn marked(&self, field: &str) -> bool {
        self.marked_fields.iter().any(|f| f == field)
    }
    /// The class that marks a suggested field.
    pub fn mark(&self, field: &str) -> &'static str {
        if self.marked(field) {
            " suggested"
        } else {
            ""
        }
    }
    /// The words of a field's mark: a suggestion to confirm, or a field still to write.
    pub fn mark_key(&self, field: &str) -> &'static str {
        if self.to_write.iter().any(|f| f == field) {
            "ctgov.to_write"
        } else {
            "ctgov.mark"
        }
    }
    /// The mark of the required or excluded biomarkers.
    pub fn mark_biomarkers(&self, kind: &str) -> &'static str {
        self.mark(&format!("eligibility.biomarkers_{kind}"))
    }

    fn with_options(catalogue: &Catalogue, editable_dmcgs: &[String], lang: Lang) -> Self {
        let dmcg_opt = |d: &crate::catalogue::DmcgInfo| Opt {
            value: d.acronym.clone(),
            label: format!("{} – {}", d.acronym, d.area_da),
        };
        Self {
            dmcgs: catalogue
                .dmcgs
                .iter()
                .filter(|d| editable_dmcgs.contains(&d.acronym))
                .map(dmcg_opt)
                .collect(),
            all_dmcgs: catalogue.dmcgs.iter().map(dmcg_opt).collect(),
            sites: catalogue
                .sites
                .iter()
                .map(|s| Opt {
                    value: s.code.clone(),
                    label: format!("{} – {}, {}", s.code, s.hospital, s.department),
                })
                .collect(),
            phases: opts(&Phase::ALL, Phase::as_str, Phase::label_da),
            statuses: opts(
                &RecruitmentStatus::ALL,
                RecruitmentStatus::as_str,
                RecruitmentStatus::label_da,
            ),
            site_statuses: opts(&SiteStatus::ALL, SiteStatus::as_str, SiteStatus::label_da),
            settings: opts(&Setting::ALL, Setting::as_str, Setting::label_da),
            stages: opts(&Stage::ALL, Stage::as_str, Stage::label_da),
            marked_fields: Vec::new(),
            saved_with_errors: false,
            to_write: Vec::new(),
            biomarker_rows: (0..BIOMARKER_ROWS).collect(),
            lang,
            ..Self::default()
        }
    }

    /// The form filled from a stored document.
    pub fn from_doc(
        doc: &ProtocolDoc,
        catalogue: &Catalogue,
        editable_dmcgs: &[String],
        lang: Lang,
    ) -> Self {
        let mut f = Self::with_options(catalogue, editable_dmcgs, lang);
        let v = &mut f.values;
        put(v, "acronym", doc.acronym.as_ref());
        put(v, "title_da", doc.title_da.as_ref());
        put(v, "title_en", doc.title_en.as_ref());
        put(v, "summary_da", doc.summary_da.as_ref());
        put(v, "summary_en", doc.summary_en.as_ref());
        put(v, "dmcg", doc.dmcg.as_ref());
        put(v, "phase", doc.phase.as_ref());
        put(v, "recruitment_status", doc.recruitment_status.as_ref());
        if doc.evidence_generating == Some(true) {
            put(v, "evidence_generating", Some("on"));
        }
        put(v, "initiator", doc.initiator.as_ref());
        put(v, "sponsor", doc.sponsor.as_ref());
        put(v, "identifiers.nct", doc.identifiers.nct.as_ref());
        put(v, "identifiers.eudract", doc.identifiers.eudract.as_ref());
        put(v, "identifiers.eu_ct", doc.identifiers.eu_ct.as_ref());
        put(v, "contact.name", doc.contact.name.as_ref());
        put(v, "contact.email", doc.contact.email.as_ref());
        put(v, "contact.phone", doc.contact.phone.as_ref());
        put(v, "opened_on", doc.opened_on.as_ref());
        put(v, "closes_on", doc.closes_on.as_ref());
        put(v, "target_enrolment", doc.target_enrolment);
        put(v, "interventions", Some(doc.interventions.join("\n")));
        put(v, "keywords", Some(doc.keywords.join(", ")));
        let e = &doc.eligibility;
        put(v, "eligibility.age_min", e.age_min);
        put(v, "eligibility.age_max", e.age_max);
        put(v, "eligibility.sex", e.sex.as_ref());
        put(v, "eligibility.diagnoses", Some(e.diagnoses.join(" ")));
        put(
            v,
            "eligibility.exclude_diagnoses",
            Some(e.exclude_diagnoses.join(" ")),
        );
        put(v, "eligibility.prior_lines_min", e.prior_lines_min);
        put(v, "eligibility.prior_lines_max", e.prior_lines_max);
        put(v, "eligibility.ecog_max", e.ecog_max);
        put(
            v,
            "eligibility.criteria_text_da",
            e.criteria_text_da.as_ref(),
        );
        put(
            v,
            "eligibility.criteria_text_en",
            e.criteria_text_en.as_ref(),
        );
        for (list, name) in [
            (&e.biomarkers_required, "required"),
            (&e.biomarkers_excluded, "excluded"),
        ] {
            for (i, b) in list.iter().enumerate() {
                put(
                    v,
                    &format!("eligibility.biomarkers_{name}[{i}].marker"),
                    Some(&b.marker),
                );
                put(
                    v,
                    &format!("eligibility.biomarkers_{name}[{i}].status"),
                    Some(&b.status),
                );
            }
        }
        for (i, s) in doc.sites.iter().enumerate() {
            put(v, &format!("sites[{i}].site"), Some(&s.site));
            put(v, &format!("sites[{i}].status"), Some(&s.status));
            if let Some(c) = &s.contact {
                put(v, &format!("sites[{i}].contact.name"), c.name.as_ref());
                put(v, &format!("sites[{i}].contact.email"), c.email.as_ref());
                put(v, &format!("sites[{i}].contact.phone"), c.phone.as_ref());
            }
        }
        f.multi
            .insert("other_dmcgs".into(), doc.other_dmcgs.clone());
        f.multi
            .insert("eligibility.settings".into(), e.settings.clone());
        f.multi
            .insert("eligibility.stages".into(), e.stages.clone());
        f.site_rows = (0..doc.sites.len() + EXTRA_SITE_ROWS).collect();
        f.biomarker_rows = (0..BIOMARKER_ROWS
            .max(e.biomarkers_required.len())
            .max(e.biomarkers_excluded.len()))
            .collect();
        f
    }

    /// The form as posted, and the document it describes (with errors for values that are
    /// not even of the right kind, such as letters in a number field).
    pub fn from_post(
        form: &FormData,
        catalogue: &Catalogue,
        editable_dmcgs: &[String],
        lang: Lang,
    ) -> (Self, ProtocolDoc) {
        let mut f = Self::with_options(catalogue, editable_dmcgs, lang);
        for (k, v) in &form.0 {
            if matches!(
                k.as_str(),
                "other_dmcgs" | "eligibility.settings" | "eligibility.stages"
            ) {
                f.multi.entry(k.clone()).or_default().push(v.clone());
            } else if k != "csrf_token" && k != "action" {
                f.values.insert(k.clone(), v.clone());
            }
        }
        let mut errors = Vec::new();
        let text = |name: &str| -> Option<String> {
            Some(form.get(name).to_owned()).filter(|s| !s.is_empty())
        };
        let mut number = |name: &str| -> Option<i64> {
            let raw = form.get(name);
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::new(name, msg::WHOLE_NUMBER));
                    None
                }
            }
        };
        let mut doc = ProtocolDoc {
            acronym: text("acronym"),
            title_da: text("title_da"),
            title_en: text("title_en"),
            summary_da: text("summary_da"),
            summary_en: text("summary_en"),
            dmcg: text("dmcg"),
            other_dmcgs: form
                .all("other_dmcgs")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            phase: text("phase"),
            recruitment_status: text("recruitment_status"),
            evidence_generating: Some(form.has("evidence_generating")),
            initiator: text("initiator"),
            sponsor: text("sponsor"),
            target_enrolment: number("target_enrolment"),
            opened_on: text("opened_on"),
            closes_on: text("closes_on"),
            interventions: form
                .get("interventions")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            keywords: form
                .get("keywords")
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            ..ProtocolDoc::default()
        };
        doc.identifiers.nct = text("identifiers.nct");
        doc.identifiers.eudract = text("identifiers.eudract");
        doc.identifiers.eu_ct = text("identifiers.eu_ct");
        doc.contact = ContactDoc {
            name: text("contact.name"),
            email: text("contact.email"),
            phone: text("contact.phone"),
        };
        let e = &mut doc.eligibility;
        e.age_min = number("eligibility.age_min");
        e.age_max = number("eligibility.age_max");
        e.prior_lines_min = number("eligibility.prior_lines_min");
        e.prior_lines_max = number("eligibility.prior_lines_max");
        e.ecog_max = number("eligibility.ecog_max");
        e.sex = text("eligibility.sex");
        let split = |s: &str| -> Vec<String> {
            s.split([' ', ',', ';'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        e.diagnoses = glue_ranges(split(form.get("eligibility.diagnoses")));
        e.exclude_diagnoses = glue_ranges(split(form.get("eligibility.exclude_diagnoses")));
        e.settings = form
            .all("eligibility.settings")
            .into_iter()
            .map(str::to_owned)
            .collect();
        e.stages = form
            .all("eligibility.stages")
            .into_iter()
            .map(str::to_owned)
            .collect();
        e.criteria_text_da = text("eligibility.criteria_text_da");
        e.criteria_text_en = text("eligibility.criteria_text_en");
        for (name, list) in [
            ("required", &mut e.biomarkers_required),
            ("excluded", &mut e.biomarkers_excluded),
        ] {
            for i in 0..20 {
                let marker = form.get(&format!("eligibility.biomarkers_{name}[{i}].marker"));
                let status = form.get(&format!("eligibility.biomarkers_{name}[{i}].status"));
                if !marker.is_empty() {
                    list.push(BiomarkerDoc {
                        marker: marker.to_owned(),
                        status: status.to_owned(),
                    });
                }
            }
        }
        let mut rows = 0;
        for i in 0..200 {
            let site = form.get(&format!("sites[{i}].site"));
            if form.has(&format!("sites[{i}].site")) {
                rows = i + 1;
            }
            if site.is_empty() {
                continue;
            }
            let contact = ContactDoc {
                name: text(&format!("sites[{i}].contact.name")),
                email: text(&format!("sites[{i}].contact.email")),
                phone: text(&format!("sites[{i}].contact.phone")),
            };
            let has_contact =
                contact.name.is_some() || contact.email.is_some() || contact.phone.is_some();
            f.site_row_of.push(i);
            doc.sites.push(SiteDoc {
                site: site.to_owned(),
                status: form.get(&format!("sites[{i}].status")).to_owned(),
                contact: has_contact.then_some(contact),
            });
        }
        // Rows keep their posted positions, so errors (which use document positions) are
        // mapped back onto the row the user filled in.
        f.site_rows = (0..rows.max(doc.sites.len()) + 1).collect();
        f.errors = errors;
        (f, doc)
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
    pub fn row(&self, i: &usize, field: &str) -> &str {
        self.v(&format!("sites[{i}].{field}"))
    }
    pub fn marker(&self, kind: &str, i: &usize, field: &str) -> &str {
        self.v(&format!("eligibility.biomarkers_{kind}[{i}].{field}"))
    }
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }
    pub fn row_is(&self, i: &usize, field: &str, value: &str) -> bool {
        self.row(i, field) == value
    }
    pub fn marker_is(&self, kind: &str, i: &usize, value: &str) -> bool {
        self.marker(kind, i, "status") == value
    }
    pub fn checked(&self, name: &str, value: &str) -> bool {
        self.multi
            .get(name)
            .is_some_and(|l| l.iter().any(|v| v == value))
    }
    /// The error message for a field (including its list items and sub-fields), or "".
    pub fn err(&self, name: &str) -> String {
        self.errors
            .iter()
            .filter(|e| {
                e.field == name
                    || e.field.starts_with(&format!("{name}["))
                    || e.field.starts_with(&format!("{name}."))
            })
            .map(|e| self.lang.message(&e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
    /// The errors at the top of the form, each field named by its label.
    pub fn summary(&self) -> Vec<ErrorLine> {
        error_lines(&self.errors, self.lang, |field| {
            field_label(field, self.lang)
        })
    }
    /// The warnings (advice that does not stop a submission), each field named by its label.
    pub fn warning_lines(&self) -> Vec<ErrorLine> {
        error_lines(&self.warnings, self.lang, |field| {
            field_label(field, self.lang)
        })
    }
    pub fn row_err(&self, i: &usize, field: &str) -> String {
        self.err(&format!("sites[{i}].{field}"))
    }
    pub fn marker_err(&self, kind: &str, i: &usize) -> String {
        self.err(&format!("eligibility.biomarkers_{kind}[{i}]"))
    }
    /// Adds validation errors, moving department errors from document positions to the rows
    /// the user typed them in.
    pub fn add_errors(&mut self, errors: Vec<FieldError>) {
        for mut e in errors {
            if let Some(rest) = e.field.strip_prefix("sites[") {
                if let Some((index, tail)) = rest.split_once(']') {
                    if let Some(row) = index
                        .parse::<usize>()
                        .ok()
                        .and_then(|j| self.site_row_of.get(j))
                    {
                        e.field = format!("sites[{row}]{tail}");
                    }
                }
            }
            self.errors.push(e);
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// The label of a field of the form by its JSON path, as the form shows it: list items and
/// department rows by number (`sites[1].status` is "Afdeling 2 – Status").
pub fn field_label(path: &str, lang: Lang) -> String {
    let numbered = |key: &str, index: &str| {
        let n = index.parse::<usize>().map_or(0, |i| i + 1);
        format!("{} {n}", lang.t(key))
    };
    if let Some(rest) = path.strip_prefix("sites[") {
        if let Some((index, part)) = rest.split_once(']') {
            let row = numbered("filter.site", index);
            let part = match part.trim_start_matches('.') {
                "" | "site" => return row,
                "status" => lang.t("col.status"),
                other => lang.t(&format!("form.{other}")),
            };
            return format!("{row} – {part}");
        }
    }
    for list in ["biomarkers_required", "biomarkers_excluded"] {
        if let Some(rest) = path.strip_prefix(&format!("eligibility.{list}[")) {
            if let Some((index, _)) = rest.split_once(']') {
                return numbered(&format!("form.{list}"), index);
            }
        }
    }
    let base = path.split('[').next().unwrap_or(path);
    let key = match base {
        "" => "form.form",
        "dmcg" => return "DMCG".to_owned(),
        "phase" => "filter.phase",
        "recruitment_status" => "filter.status",
        "initiator" => "detail.initiator",
        "sponsor" => "detail.sponsor",
        "target_enrolment" => "detail.target",
        "interventions" => "detail.interventions",
        "sites" => "detail.sites",
        "eligibility.sex" => "filter.sex",
        "eligibility.ecog_max" => "elig.ecog",
        "eligibility.settings" => "elig.settings",
        "eligibility.stages" => "elig.stages",
        "eligibility.biomarkers_required" => "form.biomarkers_required",
        "eligibility.biomarkers_excluded" => "form.biomarkers_excluded",
        "acronym"
        | "title_da"
        | "title_en"
        | "summary_da"
        | "summary_en"
        | "other_dmcgs"
        | "opened_on"
        | "closes_on"
        | "keywords"
        | "identifiers.nct"
        | "identifiers.eudract"
        | "identifiers.eu_ct"
        | "contact.name"
        | "contact.email"
        | "contact.phone"
        | "eligibility.age_min"
        | "eligibility.age_max"
        | "eligibility.prior_lines_min"
        | "eligibility.prior_lines_max"
        | "eligibility.diagnoses"
        | "eligibility.exclude_diagnoses"
        | "eligibility.criteria_text_da"
        | "eligibility.criteria_text_en" => return lang.t(&format!("form.{base}")),
        other => return other.to_owned(),
    };
    lang.t(key)
}

/// Puts `C18 - C20` typed with spaces back together as one range.
fn glue_ranges(parts: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        match out.last_mut() {
            Some(last) if last.ends_with('-') || p.starts_with('-') => last.push_str(&p),
            _ => out.push(p),
        }
    }
    out
}
