//! `/match`: the full profile for an MDT conference, results as cards with a checklist per
//! criterion, nearest department, referral and pathways. Clinicians and admins only.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::{Stage, Verdict};

use super::profile::ProfileInput;
use super::results::{card, pathway_views, CardView, PathwayView};
use super::Kept;
use crate::catalogue::matcher::{diagnosis_names, NamedDiagnosis};
use crate::db::users::Role;
use crate::domain::FieldError;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{cpr_errors, error_lines, ErrorLine, FormData};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "match_/mdt.html")]
pub struct MdtMatchPage {
    pub layout: Layout,
    pub csrf: String,
    pub form: Kept,
    pub errors: Vec<FieldError>,
    pub diagnoses: &'static [NamedDiagnosis],
    pub settings: Vec<(&'static str, &'static str)>,
    pub stages: Vec<&'static str>,
    pub marker_rows: Vec<usize>,
    pub searched: bool,
    pub fitting: Vec<CardView>,
    pub not_fitting: Vec<CardView>,
    pub pathways: Vec<PathwayView>,
    pub no_offer: bool,
}

impl MdtMatchPage {
    pub fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
            .map(|e| self.layout.lang.message(&e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
    /// The errors at the top of the form, each field named by its label.
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| label(field, lang))
    }
}

/// A field of the form by its label (biomarker rows by number, as the form labels them).
pub(crate) fn label(field: &str, lang: Lang) -> String {
    if let Some(rest) = field.strip_prefix("biomarkers[") {
        if let Some((i, part)) = rest.split_once("].") {
            let row = i.parse::<usize>().map_or(0, |i| i + 1);
            let key = if part == "status" {
                "form.marker_status"
            } else {
                "form.marker"
            };
            return format!("{} {row}", lang.t(key));
        }
    }
    match field {
        "age" => lang.t("filter.age"),
        "sex" => lang.t("filter.sex"),
        "diagnosis" => lang.t("match.diagnosis"),
        "setting" => lang.t("elig.settings"),
        "stage" => lang.t("elig.stages"),
        "prior_lines" => lang.t("elig.prior_lines"),
        "ecog" => "ECOG".to_owned(),
        "standard_options_exhausted" => lang.t("match.exhausted"),
        "postcode" => lang.t("match.postcode"),
        "max_km" => lang.t("home.max_km"),
        "form" => lang.t("form.form"),
        other => other.to_owned(),
    }
}

pub(crate) fn require_clinician(viewer: &Viewer, req: &HttpRequest) -> Result<(), PageError> {
    let user = viewer.require(req)?;
    if user.is_admin() || user.role == Role::Clinician {
        Ok(())
    } else {
        Err(PageError::forbidden())
    }
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    form: Kept,
) -> MdtMatchPage {
    MdtMatchPage {
        layout: Layout::new(
            req,
            lang,
            lang.t("match.title"),
            state.catalogue.get().has_demo(),
            "match",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        form,
        errors: Vec::new(),
        diagnoses: &diagnosis_names().categories,
        settings: super::setting_options(lang),
        stages: Stage::ALL.iter().map(|s| s.as_str()).collect(),
        marker_rows: (0..4).collect(),
        searched: false,
        fitting: Vec::new(),
        not_fitting: Vec::new(),
        pathways: Vec::new(),
        no_offer: false,
    }
}

pub async fn show_match_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    render_with(
        StatusCode::OK,
        &page(&req, lang, &viewer, &state, Kept::default()),
    )
}

pub async fn match_profile(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    let kept = Kept::from_form(&form);
    let mut view = page(&req, lang, &viewer, &state, kept);
    let catalogue = state.catalogue.get();
    // Every posted field is checked for CPR numbers, not only the profile's.
    let refused = cpr_errors(&form);
    let profile = if refused.is_empty() {
        ProfileInput::from_form(&form).to_profile(&catalogue, diagnosis_names())
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
            let outcome = catalogue.matcher.snapshot.match_profile(&profile, true);
            for r in &outcome.results {
                if let Some(c) = card(&catalogue, r, lang) {
                    if r.verdict == Verdict::NotEligible {
                        view.not_fitting.push(c)
                    } else {
                        view.fitting.push(c)
                    }
                }
            }
            view.pathways = pathway_views(&catalogue, &outcome, lang);
            view.no_offer = outcome.no_offer_reason.is_some();
            view.searched = true;
            render_with(StatusCode::OK, &view)
        }
    }
}
