//! `/find-forsoeg`: "is there a trial for me near home?" in plain Danish, without login;
//! nothing typed is stored or logged.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{Setting, Verdict};

use super::profile::ProfileInput;
use super::results::{card, map_view, pathway_views, CardView, MapView, PathwayView};
use super::Kept;
use crate::catalogue::matcher::diagnosis_names;
use crate::domain::{msg, FieldError};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{cpr_errors, error_lines, messages_for, ErrorLine, FormData};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::pages::rows::{beyond_view, BeyondView};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "match_/patient.html")]
pub struct PatientMatchPage {
    pub layout: Layout,
    pub csrf: String,
    pub form: Kept,
    pub errors: Vec<FieldError>,
    /// The group (or code) searched for, as the results' heading names it.
    pub searched_for: Option<String>,
    pub searched: bool,
    pub results: Vec<CardView>,
    pub pathways: Vec<PathwayView>,
    /// Who the search is for, as chosen (`me`, `child`, `relative`).
    pub for_whom: &'static str,
    /// The situations to choose from.
    pub situations: Vec<ChoiceOption>,
    /// What the distance limit hides, with a button that searches again wider.
    pub beyond: Option<BeyondView>,
    /// The map of the results' nearest departments and the home postcode.
    pub map: Option<MapView>,
    /// The postcode searched from, kept in the links to the protocols.
    pub postcode: Option<String>,
}

/// Who the patient page searches for.
pub const FOR_WHOM: [&str; 3] = ["me", "child", "relative"];

/// A situation in lay words, and the setting (and whether the standard options are used up)
/// it stands for.
pub const SITUATIONS: [(&str, Setting, Option<bool>); 7] = [
    ("new", Setting::NewlyDiagnosed, None),
    ("before-surgery", Setting::Neoadjuvant, None),
    ("after-surgery", Setting::Adjuvant, None),
    ("spread", Setting::Metastatic, None),
    ("relapse", Setting::Relapsed, None),
    ("not-working", Setting::Refractory, None),
    ("no-options", Setting::Refractory, Some(true)),
];

/// The situation's setting, and whether the established options are used up.
pub fn situation(value: &str) -> Option<(Setting, Option<bool>)> {
    SITUATIONS
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, setting, exhausted)| (*setting, *exhausted))
}

/// One entry of a choice list: the value posted and its label.
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

impl PatientMatchPage {
    pub fn err(&self, field: &str) -> String {
        messages_for(&self.errors, field, self.layout.lang)
    }
    /// The errors at the top of the form, each field named by its label.
    /// A text in the words of the person the search is for: `key.me`, `key.child` or
    /// `key.relative`.
    pub fn who(&self, key: &str) -> String {
        self.layout.t(&format!("{key}.{}", self.for_whom))
    }
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| match field {
            "diagnosis" => lang.t("patient.diagnosis"),
            "age" => lang.t("patient.age"),
            "sex" => lang.t("filter.sex"),
            "postcode" => lang.t("home.postcode"),
            "max_km" => lang.t("home.max_km"),
            "for_whom" => lang.t("patient.for_whom"),
            "situation" => lang.t("patient.situation"),
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
        searched_for: None,
        searched: false,
        results: Vec::new(),
        pathways: Vec::new(),
        for_whom: "me",
        situations: SITUATIONS
            .iter()
            .map(|(value, _, _)| ChoiceOption {
                value: (*value).to_owned(),
                label: lang.t(&format!("patient.situation.{value}")),
            })
            .collect(),
        beyond: None,
        map: None,
        postcode: None,
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
    let mut errors = Vec::new();
    let for_whom = form.get("for_whom").trim();
    match FOR_WHOM.iter().find(|w| **w == for_whom) {
        Some(w) => view.for_whom = w,
        None if for_whom.is_empty() => {}
        None => errors.push(FieldError::new("for_whom", msg::CHOOSE_FROM_LIST)),
    }
    let chosen = form.get("situation").trim();
    let (setting, exhausted) = match situation(chosen) {
        Some((setting, exhausted)) => (Some(setting.as_str().to_owned()), exhausted),
        None => {
            if !chosen.is_empty() {
                errors.push(FieldError::new("situation", msg::CHOOSE_FROM_LIST));
            }
            (None, None)
        }
    };
    // A patient gives age, sex, diagnosis, the situation in lay words and where they live.
    let input = ProfileInput {
        age: Some(serde_json::Value::String(form.get("age").to_owned())),
        sex: Some(form.get("sex").to_owned()),
        diagnosis: Some(form.get("diagnosis").to_owned()),
        setting,
        standard_options_exhausted: exhausted,
        postcode: Some(serde_json::Value::String(form.get("postcode").to_owned())),
        max_km: Some(serde_json::Value::String(form.get("max_km").to_owned())),
        ..ProfileInput::default()
    };
    // Every posted field is checked for CPR numbers, not only the ones read above.
    let refused = cpr_errors(&form);
    let profile = if refused.is_empty() {
        match input.to_patient_profile(&catalogue, diagnosis_names()) {
            Ok(profile) if errors.is_empty() => Ok(profile),
            Ok(_) => Err(errors),
            Err(mut more) => {
                more.extend(errors);
                Err(more)
            }
        }
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
            let shown = |r: &&dccc_matching::MatchResult| r.verdict != Verdict::NotEligible;
            view.results = outcome
                .results
                .iter()
                .filter(shown)
                .filter_map(|r| card(&catalogue, r, lang))
                .collect();
            view.pathways = pathway_views(&catalogue, &outcome, lang);
            if let Some(max_km) = profile.max_km {
                // The same search without the limit: what the limit hid, and the nearest of it.
                let mut wider = profile.clone();
                wider.max_km = None;
                let all = catalogue.matcher.snapshot.match_profile(&wider, false);
                let mut beyond = crate::catalogue::query::Beyond::default();
                for r in all.results.iter().filter(shown) {
                    if let Some(n) = r.nearest_site.as_ref().filter(|n| n.distance_km > max_km) {
                        beyond.add(n.distance_km);
                    }
                }
                view.beyond =
                    beyond_view("patient.beyond", beyond, max_km, lang, |km| km.to_string());
            }
            let postcode = form.get("postcode").trim();
            view.map = profile.home.as_ref().and_then(|home| {
                let name = catalogue
                    .postcodes
                    .get(postcode)
                    .map(|p| format!("{} {}", p.postcode, p.place))
                    .unwrap_or_else(|| postcode.to_owned());
                map_view(&catalogue, &outcome, home, name, lang)
            });
            view.postcode = profile.home.is_some().then(|| postcode.to_owned());
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
