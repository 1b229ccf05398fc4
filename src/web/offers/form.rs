//! Registering and editing one MDT decision. The form comes back with the input kept and
//! each problem next to its field; a match result opens it prefilled.

use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Region;
use serde::Deserialize;

use super::require_register_user;
use crate::db::offers as store;
use crate::db::users::User;
use crate::domain::offers::{AgeBand, MdtLevel, NotOfferedReason, OfferInput, OfferOutcome};
use crate::domain::{msg, FieldError};
use crate::services::offers::{self, OfferError};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{cpr_errors, error_lines, messages_for, ErrorLine, FormData};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{see_other, with_conn, AppState};

/// Protocols offered in the form's suggestion list (the open ones, at most this many).
pub(super) const SUGGESTIONS: usize = 2000;

#[derive(Template)]
#[template(path = "offers/form.html")]
pub struct OfferFormPage {
    pub layout: Layout,
    pub csrf: String,
    pub id: Option<i32>,
    pub input: OfferInput,
    pub errors: Vec<FieldError>,
    pub sites: Vec<(String, String)>,
    pub dmcgs: Vec<(String, String)>,
    pub protocols: Vec<(String, String)>,
    pub regions: Vec<(String, &'static str)>,
    pub age_bands: Vec<(&'static str, &'static str)>,
    pub mdt_levels: Vec<(&'static str, &'static str)>,
    pub reasons: Vec<(&'static str, &'static str)>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    /// Opened from a match result: say that the age and postcode came from the profile.
    pub from_match: bool,
}

impl OfferFormPage {
    pub fn err(&self, field: &str) -> String {
        messages_for(&self.errors, field, self.layout.lang)
    }
    /// The errors at the top of the form, each field named by its label (and linked to it).
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| label(lang, field).to_owned())
    }
    /// The label of a field of the form.
    pub fn label(&self, field: &str) -> &'static str {
        label(self.layout.lang, field)
    }
    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/tilbud/{id}/rediger"),
            None => "/tilbud/ny".into(),
        }
    }
}

/// The label of a field of the form, by its column name (the field name itself for a
/// posted field the form does not have).
pub fn label(lang: Lang, field: &str) -> &'static str {
    let (da, en) = match field {
        "decision_date" => ("Dato for MDT-beslutning", "Date of the MDT decision"),
        "site" => ("Afdeling", "Department"),
        "dmcg" => ("DMCG", "DMCG"),
        "patient_ref" => (
            "Lokal patientreference (pseudonym)",
            "Local patient reference (pseudonym)",
        ),
        "age" => ("Alder eller aldersgruppe", "Age or age band"),
        "sex" => ("Køn", "Sex"),
        "residence_postcode" => ("Bopælens postnummer", "Postcode of residence"),
        "residence_region" => ("… eller bopælsregion", "… or region of residence"),
        "mdt_level" => ("MDT-niveau", "MDT level"),
        "offered" => (
            "Blev patienten tilbudt deltagelse i et forsøg?",
            "Was the patient offered a trial?",
        ),
        "protocol" => ("Protokol (akronym)", "Protocol (acronym)"),
        "outcome" => ("Udfald", "Outcome"),
        "outcome_date" => ("Udfaldets dato", "Date of outcome"),
        "not_offered_reason" => ("Årsag", "Reason"),
        "reason_text" => ("Uddybning (ved anden årsag)", "Details (for other)"),
        _ => ("Formularen", "The form"),
    };
    lang.pick(da, en)
}

fn labels<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (value(*v), label(*v))).collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "the request context and the form's three states"
)]
pub fn form_page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    user: &User,
    id: Option<i32>,
    input: OfferInput,
    errors: Vec<FieldError>,
) -> OfferFormPage {
    let catalogue = state.catalogue.get();
    let en = lang.is_en();
    let title = if id.is_some() {
        lang.pick("Ret registrering", "Edit decision")
    } else {
        lang.pick("Registrér MDT-beslutning", "Register an MDT decision")
    };
    OfferFormPage {
        layout: Layout::new(req, lang, title, false, "offers").with_viewer(viewer),
        csrf: viewer.csrf(),
        id,
        input,
        errors,
        sites: catalogue
            .sites
            .iter()
            .filter(|s| offers::may_register(user, &s.code))
            .map(|s| {
                (
                    s.code.clone(),
                    format!("{} – {}, {}", s.code, s.hospital, s.department),
                )
            })
            .collect(),
        dmcgs: catalogue
            .dmcgs
            .iter()
            .map(|d| (d.acronym.clone(), format!("{} – {}", d.acronym, d.name_da)))
            .collect(),
        protocols: catalogue
            .entries
            .iter()
            .filter(|e| e.is_open())
            .take(SUGGESTIONS)
            .map(|e| (e.acronym.clone(), e.title(en).to_owned()))
            .collect(),
        regions: Region::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_string(),
                    if en { r.name_en() } else { r.name_da() },
                )
            })
            .collect(),
        age_bands: labels(AgeBand::ALL, AgeBand::as_str, |v| v.label(en)),
        mdt_levels: labels(MdtLevel::ALL, MdtLevel::as_str, |v| v.label(en)),
        reasons: labels(NotOfferedReason::ALL, NotOfferedReason::as_str, |v| {
            v.label(en)
        }),
        outcomes: labels(OfferOutcome::ALL, OfferOutcome::as_str, |v| v.label(en)),
        from_match: false,
    }
}

/// The posted fields, named as the CSV columns.
fn read_input(form: &FormData) -> OfferInput {
    OfferInput::from_fields(|name| form.get(name).to_owned())
}

/// An empty form for one of the user's departments, dated today.
fn blank(user: &User) -> OfferInput {
    OfferInput {
        decision_date: chrono::Utc::now().date_naive().to_string(),
        site: if user.sites.len() == 1 {
            user.sites[0].clone()
        } else {
            String::new()
        },
        mdt_level: "local".into(),
        ..OfferInput::default()
    }
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// A protocol's acronym or slug: an offer of it.
    protocol: Option<String>,
    /// `no_relevant_protocol`: the match found nothing.
    reason: Option<String>,
    dmcg: Option<String>,
}

pub async fn new_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<NewQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let mut input = blank(&user);
    prefill(
        &state,
        &mut input,
        query.protocol.as_deref(),
        query.reason.as_deref(),
    );
    if let Some(d) = &query.dmcg {
        input.dmcg.clone_from(d);
    }
    let page = form_page(&req, lang, &viewer, &state, &user, None, input, Vec::new());
    render_with(StatusCode::OK, &page)
}

/// Sets the decision from a protocol (an offer, with the protocol's DMCG) or a reason.
fn prefill(state: &AppState, input: &mut OfferInput, protocol: Option<&str>, reason: Option<&str>) {
    let catalogue = state.catalogue.get();
    if let Some(entry) = protocol
        .and_then(|p| catalogue.slug_index.get(p).copied())
        .map(|i| &catalogue.entries[i])
    {
        input.offered = "yes".into();
        input.protocol.clone_from(&entry.acronym);
        input.dmcg.clone_from(&entry.dmcg);
        input.outcome = "pending".into();
    } else if let Some(reason) = reason.and_then(NotOfferedReason::parse) {
        input.offered = "no".into();
        input.not_offered_reason = reason.as_str().into();
    }
}

pub async fn create_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let refused = cpr_errors(&form);
    if !refused.is_empty() {
        let input = without_cpr(read_input(&form), &refused);
        let page = form_page(&req, lang, &viewer, &state, &user, None, input, refused);
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if form.get("prefill") == "1" {
        // From a match result: the profile's age and postcode, and the chosen protocol; from
        // a conference's list also the case number, the department, date and MDT level.
        let mut input = blank(&user);
        input.age = form.get("age").to_owned();
        input.sex = form.get("sex").to_owned();
        input.residence_postcode = form.get("residence_postcode").to_owned();
        input.patient_ref = form.get("patient_ref").to_owned();
        for (field, value) in [
            (&mut input.site, "site"),
            (&mut input.decision_date, "decision_date"),
            (&mut input.mdt_level, "mdt_level"),
        ] {
            if !form.get(value).is_empty() {
                *field = form.get(value).to_owned();
            }
        }
        prefill(
            &state,
            &mut input,
            Some(form.get("protocol")).filter(|p| !p.is_empty()),
            Some(form.get("not_offered_reason")),
        );
        if input.dmcg.is_empty() {
            input.dmcg = form.get("dmcg").to_owned();
        }
        let mut page = form_page(&req, lang, &viewer, &state, &user, None, input, Vec::new());
        page.from_match = true;
        return render_with(StatusCode::OK, &page);
    }
    let input = read_input(&form);
    let catalogue = state.catalogue.get();
    let (input2, user2) = (input.clone(), user.clone());
    let result = with_conn(&state, move |conn| {
        let reference = offers::reference(&catalogue);
        Ok(offers::create(conn, &reference, &input2, &user2))
    })
    .await?;
    match result {
        Ok(id) => Ok(see_other(&format!("/tilbud/{id}?saved=1"))),
        Err(OfferError::Invalid(errors)) => {
            let input = without_cpr(input, &errors);
            let page = form_page(&req, lang, &viewer, &state, &user, None, input, errors);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(PageError::from(e)),
    }
}

pub async fn edit_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<i32>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let id = path.into_inner();
    let row = with_conn(&state, move |conn| Ok(store::find_offer(conn, id)?))
        .await?
        .ok_or(PageError::not_found())?;
    if !offers::may_register(&user, &row.site_code) {
        return Err(PageError::forbidden());
    }
    if row.annulled == 1 {
        return Err(PageError::conflict(
            "Registreringen er annulleret og kan ikke ændres.",
        ));
    }
    let mut input = offers::input_of(&row);
    // The form lists protocols by acronym.
    if let Some(acronym) = &row.protocol_acronym {
        input.protocol.clone_from(acronym);
    }
    let page = form_page(
        &req,
        lang,
        &viewer,
        &state,
        &user,
        Some(id),
        input,
        Vec::new(),
    );
    render_with(StatusCode::OK, &page)
}

pub async fn update_offer(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<i32>,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = require_register_user(&viewer, &req)?.clone();
    let id = path.into_inner();
    let refused = cpr_errors(&form);
    if !refused.is_empty() {
        let input = without_cpr(read_input(&form), &refused);
        let page = form_page(&req, lang, &viewer, &state, &user, Some(id), input, refused);
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let input = read_input(&form);
    let catalogue = state.catalogue.get();
    let (input2, user2) = (input.clone(), user.clone());
    let result = with_conn(&state, move |conn| {
        Ok(offers::update(conn, &catalogue, id, &input2, &user2))
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(&format!("/tilbud/{id}?saved=1"))),
        Err(OfferError::Invalid(errors)) => {
            let input = without_cpr(input, &errors);
            let page = form_page(&req, lang, &viewer, &state, &user, Some(id), input, errors);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(PageError::from(e)),
    }
}

/// The input to show again, with any field refused as a CPR number emptied: it is never
/// echoed back.
fn without_cpr(mut input: OfferInput, errors: &[FieldError]) -> OfferInput {
    for e in errors.iter().filter(|e| e.is(msg::CPR_REFUSED)) {
        input.clear(&e.field);
    }
    input
}
