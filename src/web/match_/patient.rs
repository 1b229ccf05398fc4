//! `/find-forsoeg`: "is there a trial for me near home?" in plain Danish, without login;
//! nothing typed is stored or logged.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Verdict;

use super::profile::ProfileInput;
use super::results::{card, pathway_views, CardView, PathwayView};
use super::Kept;
use crate::catalogue::matcher::diagnosis_names;
use crate::domain::FieldError;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{cpr_errors, error_lines, messages_for, ErrorLine, FormData};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "match_/patient.html")]
pub struct PatientMatchPage {
    pub layout: Layout,
    pub csrf: String,
    pub form: Kept,
    pub errors: Vec<FieldError>,
    /// The lay diagnosis groups to choose from, by name in the page's language.
    pub lay_groups: Vec<LayOption>,
    /// The group (or code) searched for, as the results' heading names it.
    pub searched_for: Option<String>,
    pub searched: bool,
    pub results: Vec<CardView>,
    pub pathways: Vec<PathwayView>,
}

/// One entry of the diagnosis list: a lay group's name, posting the group's codes.
pub struct LayOption {
    pub value: String,
    pub label: String,
}

/// The lay groups by name in the reader's language.
fn lay_options(lang: Lang) -> Vec<LayOption> {
    let mut options: Vec<LayOption> = diagnosis_names()
        .lay
        .groups()
        .iter()
        .map(|group| LayOption {
            value: group.key(),
            label: group.name(lang.is_en()).to_owned(),
        })
        .collect();
    options.sort_by_cached_key(|option| option.label.to_lowercase());
    options
}

impl PatientMatchPage {
    pub fn err(&self, field: &str) -> String {
        messages_for(&self.errors, field, self.layout.lang)
    }
    /// The errors at the top of the form, each field named by its label.
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| match field {
            "diagnosis" => lang.t("patient.diagnosis"),
            "age" => lang.t("patient.age"),
            "sex" => lang.t("filter.sex"),
            "postcode" => lang.t("home.postcode"),
            "max_km" => lang.t("home.max_km"),
            "form" => lang.t("form.form"),
            other => other.to_owned(),
        })
    }
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    form: Kept,
) -> PatientMatchPage {
    PatientMatchPage {
        layout: Layout::new(
            req,
            lang,
            lang.t("patient.title"),
            state.catalogue.get().has_demo(),
            "patient",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        form,
        errors: Vec::new(),
        lay_groups: lay_options(lang),
        searched_for: None,
        searched: false,
        results: Vec::new(),
        pathways: Vec::new(),
    }
}

pub async fn show_patient_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let kept = Kept(vec![("max_km".into(), "100".into())]);
    render_with(StatusCode::OK, &page(&req, lang, &viewer, &state, kept))
}

pub async fn find_trials(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let kept = Kept::from_form(&form);
    let mut view = page(&req, lang, &viewer, &state, kept);
    let catalogue = state.catalogue.get();
    // A patient gives only age, sex, diagnosis and where they live.
    let input = ProfileInput {
        age: Some(serde_json::Value::String(form.get("age").to_owned())),
        sex: Some(form.get("sex").to_owned()),
        diagnosis: Some(form.get("diagnosis").to_owned()),
        postcode: Some(serde_json::Value::String(form.get("postcode").to_owned())),
        max_km: Some(serde_json::Value::String(form.get("max_km").to_owned())),
        ..ProfileInput::default()
    };
    // Every posted field is checked for CPR numbers, not only the ones read above.
    let refused = cpr_errors(&form);
    let profile = if refused.is_empty() {
        input.to_patient_profile(&catalogue, diagnosis_names())
    } else {
        Err(refused)
    };
    match profile {
        Err(errors) => {
            view.form.refuse(&errors);
            view.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Ok(profile) => {
            let outcome = catalogue.matcher.snapshot.match_profile(&profile, false);
            view.results = outcome
                .results
                .iter()
                .filter(|r| r.verdict != Verdict::NotEligible)
                .filter_map(|r| card(&catalogue, r, lang))
                .collect();
            view.pathways = pathway_views(&catalogue, &outcome, lang);
            view.searched_for =
                diagnosis_names()
                    .resolve_lay(form.get("diagnosis"))
                    .map(|resolved| match resolved.group {
                        Some(group) => group.name(lang.is_en()).to_owned(),
                        None => resolved.diagnosis.to_string(),
                    });
            view.searched = true;
            render_with(StatusCode::OK, &view)
        }
    }
}
