//! `/admin/kladder/{id}`: DCCC reviews a submitted protocol: the record, what a revision
//! changes against the public version, and "publish" or "return with a comment".

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::db::drafts::{self, Draft, DraftState};
use crate::db::history::{diff_json, Change};
use crate::db::protocols::StoredProtocol;
use crate::domain::{FieldError, ProtocolDoc};
use crate::services::protocols::workflow::{self, WorkflowError};
use crate::web::auth::Viewer;
use crate::web::editor::form::field_label;
use crate::web::error::PageError;
use crate::web::extract::{CsrfChecked, Form};
use crate::web::forms::{error_lines, ErrorLine};
use crate::web::history::{change_lines, ChangeLine};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::protocols::show::{preview, ProtocolArticle};
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
    pub is_revision: bool,
    pub submission: Submission,
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

/// The submission as the reader will see it: its public page with the changed parts marked
/// and the changes listed, or, when it no longer passes validation, its fields and problems.
pub struct Submission {
    pub is_revision: bool,
    /// The submission as the public page will show it.
    pub preview: Option<ProtocolArticle>,
    /// What a revision changes against the published version, values in full.
    pub changes: Vec<ChangeLine>,
    /// Every field as sent, when the submission cannot be shown as a page.
    pub fields: Vec<ChangeLine>,
    pub problems: Vec<FieldError>,
}

impl Submission {
    pub fn of(
        draft: &Draft,
        public: Option<&StoredProtocol>,
        catalogue: &Catalogue,
        layout: &Layout,
        base_url: &str,
    ) -> Self {
        let lang = layout.lang;
        let lines = |changes: &[Change]| change_lines("protocol", changes, lang, catalogue, None);
        match preview(draft, public, catalogue, layout, base_url) {
            Ok((article, changes)) => Self {
                is_revision: public.is_some(),
                preview: Some(article),
                changes: lines(&changes),
                fields: Vec::new(),
                problems: Vec::new(),
            },
            Err(problems) => {
                let value = serde_json::to_value(&draft.doc).unwrap_or_default();
                let old = public.map_or(serde_json::Value::Null, |p| {
                    serde_json::to_value(ProtocolDoc::from_protocol(&p.protocol))
                        .unwrap_or_default()
                });
                Self {
                    is_revision: public.is_some(),
                    preview: None,
                    changes: if public.is_some() {
                        lines(&diff_json(&old, &value))
                    } else {
                        Vec::new()
                    },
                    fields: lines(&diff_json(&serde_json::Value::Null, &value)),
                    problems,
                }
            }
        }
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
    let catalogue = state.catalogue.get();
    let layout = Layout::new(
        req,
        lang,
        draft.acronym.clone(),
        catalogue.has_demo(),
        "admin",
    )
    .with_viewer(viewer);
    let submission = Submission::of(
        &draft,
        public.as_ref(),
        &catalogue,
        &layout,
        &state.settings.base_url,
    );
    Ok(ReviewPage {
        layout,
        csrf: viewer.csrf(),
        id,
        acronym: draft.acronym.clone(),
        dmcg: draft.dmcg.clone(),
        state: draft.state.label(lang.is_en()),
        submitted: draft.state == DraftState::Submitted,
        is_revision: public.is_some(),
        problems: submission.problems.clone(),
        submission,
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
