//! Matching pages: `/match` for clinicians at an MDT conference and `/find-forsoeg` for
//! patients. The profile is posted, never put in the URL, and never stored or logged.

pub mod conference;
pub mod mdt;
pub mod patient;
pub mod profile;
pub mod results;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/match", web::get().to(mdt::show_match_form))
        .route("/match", web::post().to(mdt::match_profile))
        .route(
            "/match/konference",
            web::get().to(conference::show_conference),
        )
        .route(
            "/match/konference",
            web::post().to(conference::post_conference),
        )
        .route(
            "/match/konference/fil",
            web::post().to(conference::upload_conference),
        )
        .route(
            "/match/konference/skabelon.csv",
            web::get().to(conference::conference_template),
        )
        .route("/find-forsoeg", web::get().to(patient::show_patient_form))
        .route("/find-forsoeg", web::post().to(patient::find_trials));
}

/// The settings a profile may name, as (value, label) options of a select.
pub fn setting_options(lang: crate::web::i18n::Lang) -> Vec<(&'static str, &'static str)> {
    dccc_matching::Setting::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                if lang.is_en() {
                    s.label_en()
                } else {
                    s.label_da()
                },
            )
        })
        .collect()
}

/// Form values shown again as typed.
#[derive(Debug, Clone, Default)]
pub struct Kept(pub Vec<(String, String)>);

impl Kept {
    /// The posted form as typed, without its CSRF token.
    pub fn from_form(form: &crate::web::forms::FormData) -> Self {
        Self(
            form.0
                .iter()
                .filter(|(k, _)| k != "csrf_token")
                .cloned()
                .collect(),
        )
    }

    /// Prepares refused input for showing again: a field refused as a CPR number is emptied,
    /// so it is never echoed.
    pub fn refuse(&mut self, errors: &[crate::domain::FieldError]) {
        for e in errors
            .iter()
            .filter(|e| e.is(crate::domain::msg::CPR_REFUSED))
        {
            self.0.retain(|(k, _)| *k != e.field);
        }
        // A field whose name looked like a CPR number is reported as `form`.
        self.0
            .retain(|(k, _)| !crate::domain::cpr::looks_like_cpr(k));
    }

    pub fn v(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }
    pub fn marker(&self, i: &usize, field: &str) -> &str {
        self.v(&format!("biomarkers[{i}].{field}"))
    }
}
