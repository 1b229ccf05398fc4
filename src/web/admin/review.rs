//! `/admin/kladder/{id}`: DCCC reviews a submitted protocol: the record, what a revision
//! changes against the public version, and "publish" or "return with a comment".

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::drafts::{self, Draft, DraftState};
use crate::db::history::{diff_json, Change};
use crate::domain::{FieldError, ProtocolDoc};
use crate::services::protocols::workflow::{self, WorkflowError};
use crate::web::auth::Viewer;
use crate::web::editor::form::field_label;
use crate::web::error::PageError;
use crate::web::extract::{CsrfChecked, Form};
use crate::web::forms::{error_lines, ErrorLine};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

#[derive(Template)]
#[template(path = "admin/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub csrf: String,
    pub id: i32,
    pub acronym: String,
    pub dmcg: String,
    pub state: &'static str,
    pub submitted: bool,
    pub record: String,
    pub changes: Vec<Change>,
    pub is_revision: bool,
    pub problems: Vec<FieldError>,
    pub comment: String,
    pub comment_error: String,
}

impl ReviewPage {
    /// The submission's problems, each field named by its label in the form.
    pub fn problem_lines(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.problems, lang, |field| field_label(field, lang))
    }
}

async fn page(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    id: i32,
) -> Result<ReviewPage, PageError> {
    viewer.require_admin(req)?;
    let (draft, public) = with_conn(state, move |conn| {
        let draft: Option<Draft> = drafts::find(conn, id)?;
        let public = match draft.as_ref().and_then(|d| d.protocol_id) {
            Some(pid) => crate::db::protocols::load_protocols(conn, Some(&[pid]), false)?
                .into_iter()
                .next(),
            None => None,
        };
        Ok((draft, public))
    })
    .await?;
    let draft = draft.ok_or(PageError::not_found())?;
    let value = |doc: &ProtocolDoc| serde_json::to_value(doc).unwrap_or_default();
    let changes = public
        .as_ref()
        .map(|p| {
            diff_json(
                &value(&ProtocolDoc::from_protocol(&p.protocol)),
                &value(&draft.doc),
            )
        })
        .unwrap_or_default();
    let codes = {
        let c = state.catalogue.get();
        crate::domain::ReferenceCodes {
            dmcgs: c.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
            sites: c.sites.iter().map(|s| s.code.clone()).collect(),
        }
    };
    let problems = draft.doc.validate(&codes).err().unwrap_or_default();
    Ok(ReviewPage {
        layout: Layout::new(
            req,
            lang,
            draft.acronym.clone(),
            state.catalogue.get().has_demo(),
            "admin",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        id,
        acronym: draft.acronym.clone(),
        dmcg: draft.dmcg.clone(),
        state: draft.state.label_da(),
        submitted: draft.state == DraftState::Submitted,
        record: serde_json::to_string_pretty(&draft.doc).unwrap_or_default(),
        changes,
        is_revision: public.is_some(),
        problems,
        comment: String::new(),
        comment_error: String::new(),
    })
}

pub async fn show_review(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let view = page(&req, lang, &viewer, &state, id.into_inner()).await?;
    render_with(StatusCode::OK, &view)
}

pub async fn publish_draft(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    _: CsrfChecked,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let id = id.into_inner();
    let ctx = state.mail_context();
    let outcome = with_conn(&state, move |conn| {
        Ok(workflow::publish(
            conn,
            &admin,
            id,
            &ctx,
            Utc::now().naive_utc(),
        ))
    })
    .await?;
    match outcome {
        Ok(slug) => {
            // Show the new version at once instead of waiting for the next poll.
            state.refresh_now().await;
            Ok(see_other(&format!("/protokoller/{slug}")))
        }
        Err(WorkflowError::Invalid(errors)) => {
            let mut view = page(&req, lang, &viewer, &state, id).await?;
            view.problems = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(PageError::from(e)),
    }
}

/// The return form: DCCC's comment to the editor.
#[derive(Debug, Deserialize)]
pub struct ReturnInput {
    #[serde(default)]
    comment: String,
}

pub async fn return_draft(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    Form(form): Form<ReturnInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let id = id.into_inner();
    let comment = form.comment.trim().to_owned();
    let ctx = state.mail_context();
    let text = comment.clone();
    let outcome = with_conn(&state, move |conn| {
        Ok(workflow::return_draft(
            conn,
            &admin,
            id,
            &text,
            &ctx,
            Utc::now().naive_utc(),
        ))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other("/admin")),
        Err(WorkflowError::Invalid(errors)) => {
            let mut view = page(&req, lang, &viewer, &state, id).await?;
            view.comment = comment;
            view.comment_error = errors
                .iter()
                .map(|e| lang.message(&e.message))
                .collect::<Vec<_>>()
                .join("; ");
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(PageError::from(e)),
    }
}
