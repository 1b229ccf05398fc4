//! `/redaktion/ctgov`: "Hent fra ClinicalTrials.gov". An editor gives an NCT number (fetched
//! from `CTGOV_API_URL`) or uploads a study record; it becomes a draft of their DMCG, with
//! every suggested field marked and the Danish fields flagged as still to write.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use crate::services::interchange::ctgov::{self, fetch::FetchError, Source};
use crate::services::protocols::workflow;
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::upload::{read_upload, UploadError, UploadQuery, MAX_UPLOAD};
use crate::web::{see_other, with_conn, AppState};

#[derive(Template)]
#[template(path = "editor/ctgov.html")]
pub struct CtgovPage {
    pub layout: Layout,
    pub csrf: String,
    pub dmcgs: Vec<String>,
    pub dmcg: String,
    pub nct: String,
    /// What went wrong, in the page's language, and the field it belongs to.
    pub error: Option<(String, &'static str)>,
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    dmcgs: Vec<String>,
) -> CtgovPage {
    CtgovPage {
        layout: Layout::new(
            req,
            lang,
            lang.t("ctgov.title"),
            state.catalogue.get().has_demo(),
            "editor",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        dmcg: dmcgs.first().cloned().unwrap_or_default(),
        dmcgs,
        nct: String::new(),
        error: None,
    }
}

fn editable(
    viewer: &Viewer,
    req: &HttpRequest,
    state: &AppState,
) -> Result<Vec<String>, PageError> {
    let user = viewer.require_editor(req)?;
    Ok(if user.is_admin() {
        state
            .catalogue
            .get()
            .dmcgs
            .iter()
            .map(|d| d.acronym.clone())
            .collect()
    } else {
        user.dmcgs.clone()
    })
}

pub async fn show_ctgov_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let dmcgs = editable(&viewer, &req, &state)?;
    render_with(StatusCode::OK, &page(&req, lang, &viewer, &state, dmcgs))
}

/// The message for a fetch that failed, in the page's language.
fn fetch_message(e: &FetchError, lang: Lang) -> String {
    let key = match e {
        FetchError::NotFound(_) => "ctgov.error.not_found",
        FetchError::Timeout(_) | FetchError::Unreachable(_) => "ctgov.error.unreachable",
        FetchError::Status(_) | FetchError::NotJson => "ctgov.error.bad_answer",
        FetchError::Disabled => "ctgov.error.disabled",
    };
    lang.t(key)
}

pub async fn import_from_ctgov(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<UploadQuery>,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    // Who may import is settled before a byte of the body is read.
    let dmcgs = editable(&viewer, &req, &state)?;
    let user = viewer.require_editor(&req)?.clone();
    let mut view = page(&req, lang, &viewer, &state, dmcgs.clone());
    let upload = match read_upload(payload, &viewer, query.into_inner().csrf_token).await {
        Ok(upload) => upload,
        Err(UploadError::Forged) => return Err(PageError::bad_csrf()),
        Err(UploadError::TooLarge) => {
            view.error = Some((
                rust_i18n::replace_patterns(
                    &lang.t("ctgov.error.too_large"),
                    &["mb"],
                    &[(MAX_UPLOAD / 1024 / 1024).to_string()],
                ),
                "file",
            ));
            return render_with(StatusCode::PAYLOAD_TOO_LARGE, &view);
        }
        Err(UploadError::Unreadable) => {
            view.error = Some((lang.t("ctgov.error.not_json"), "file"));
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let nct = upload.get("nct").trim().to_owned();
    view.nct = nct.chars().filter(|c| !c.is_control()).take(20).collect();
    let dmcg = upload.get("dmcg").trim().to_owned();
    let Some(dmcg) = dmcgs.iter().find(|d| **d == dmcg).cloned() else {
        view.error = Some((lang.t("validation.choose_from_list"), "dmcg"));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    view.dmcg = dmcg.clone();
    let value = if !nct.is_empty() {
        let Source::Nct(nct) = Source::parse(&nct) else {
            view.error = Some((lang.t("ctgov.error.nct_form"), "nct"));
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
        };
        let api = state.settings.ctgov_api_url.clone();
        let fetched =
            web::block(move || ctgov::fetch::fetch_study(&api, &nct, ctgov::fetch::TIMEOUT))
                .await
                .map_err(crate::web::error::internal)?;
        match fetched {
            Ok(v) => v,
            Err(e) => {
                view.error = Some((fetch_message(&e, lang), "nct"));
                let status = if matches!(e, FetchError::NotFound(_)) {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::BAD_GATEWAY
                };
                return render_with(status, &view);
            }
        }
    } else if !upload.file.is_empty() {
        match serde_json::from_slice(&upload.file) {
            Ok(v) => v,
            Err(_) => {
                view.error = Some((lang.t("ctgov.error.not_json"), "file"));
                return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
            }
        }
    } else {
        view.error = Some((lang.t("ctgov.error.nothing"), "nct"));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let outcome = with_conn(&state, move |conn| {
        let departments = ctgov::departments(conn)?;
        let converted = match ctgov::convert(&value, Some(&dmcg), &departments) {
            Ok(c) => c,
            Err(_) => return Ok(None),
        };
        let nct = converted.record.identifiers.nct.clone().unwrap_or_default();
        let id = workflow::import_draft(
            conn,
            &converted.record,
            Some(&user),
            &format!("ClinicalTrials.gov {nct}"),
            &converted.notes(),
            Utc::now().naive_utc(),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(id))
    })
    .await?;
    match outcome {
        Some(id) => Ok(see_other(&format!("/redaktion/kladder/{id}?hentet=1"))),
        None => {
            view.error = Some((lang.t("ctgov.error.not_a_study"), "file"));
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
    }
}
