//! New protocols and drafts: the form, "save draft" and "submit to DCCC".

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use super::form::ProtocolForm;
use crate::db::drafts::{self, DraftState};
use crate::db::users::User;
use crate::domain::ProtocolDoc;
use crate::services::protocols::workflow::{self, WorkflowError};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::FormData;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

#[derive(Template)]
#[template(path = "editor/draft.html")]
pub struct DraftPage {
    pub layout: Layout,
    pub csrf: String,
    pub form: ProtocolForm,
    pub action: String,
    pub draft_id: Option<i32>,
    pub state: Option<&'static str>,
    pub editable: bool,
    pub review_comment: Option<String>,
    pub revision_of: Option<String>,
    pub notice: Option<String>,
}

fn editable_dmcgs(user: &User, state: &AppState) -> Vec<String> {
    if user.is_admin() {
        state
            .catalogue
            .get()
            .dmcgs
            .iter()
            .map(|d| d.acronym.clone())
            .collect()
    } else {
        user.dmcgs.clone()
    }
}

fn layout(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    title: String,
) -> Layout {
    Layout::new(req, lang, title, state.catalogue.get().has_demo(), "editor").with_viewer(viewer)
}

pub async fn new_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?;
    let dmcgs = editable_dmcgs(user, &state);
    let doc = ProtocolDoc {
        dmcg: (dmcgs.len() == 1).then(|| dmcgs[0].clone()),
        recruitment_status: Some("planned".into()),
        ..ProtocolDoc::default()
    };
    let form = ProtocolForm::from_doc(&doc, &state.catalogue.get(), &dmcgs, lang);
    let page = DraftPage {
        layout: layout(&req, lang, &viewer, &state, lang.t("editor.new")),
        csrf: viewer.csrf(),
        form,
        action: "/redaktion/ny".into(),
        draft_id: None,
        state: None,
        editable: true,
        review_comment: None,
        revision_of: None,
        notice: None,
    };
    render_with(StatusCode::OK, &page)
}

/// Saves (and, when asked, submits) the posted form; on refusal shows it again with the input.
async fn save_and_maybe_submit(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form_data): Form<FormData>,
    state: web::Data<AppState>,
    draft_id: Option<i32>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let dmcgs = editable_dmcgs(&user, &state);
    let catalogue = state.catalogue.get();
    let (mut form, doc) = ProtocolForm::from_post(&form_data, &catalogue, &dmcgs, lang);
    let submit = form_data.get("action") == "submit";
    let mut draft_id = draft_id;
    let mut action = draft_id.map_or_else(
        || "/redaktion/ny".to_owned(),
        |id| format!("/redaktion/kladder/{id}"),
    );
    if !form.has_errors() {
        let ctx = state.mail_context();
        let user2 = user.clone();
        let doc2 = doc.clone();
        let outcome = with_conn(&state, move |conn| {
            let now = Utc::now().naive_utc();
            let id = match workflow::save_draft(conn, &user2, draft_id, &doc2, now) {
                Ok(id) => id,
                Err(e) => return Ok((draft_id, Err(e))),
            };
            if submit {
                return Ok((Some(id), workflow::submit(conn, &user2, id, &ctx, now)));
            }
            Ok((Some(id), Ok(())))
        })
        .await?;
        match outcome {
            (Some(id), Ok(())) => {
                let flag = if submit { "indsendt" } else { "gemt" };
                return Ok(see_other(&format!("/redaktion/kladder/{id}?{flag}=1")));
            }
            (saved, Err(WorkflowError::Invalid(errors))) => {
                form.add_errors(errors);
                // A new draft saved before its submission was refused has its own address now.
                if let Some(id) = saved {
                    action = format!("/redaktion/kladder/{id}");
                    draft_id = Some(id);
                }
            }
            (_, Err(e)) => return Err(PageError::from(e)),
            (None, Ok(())) => return Err(PageError::not_found()),
        }
    }
    let page = DraftPage {
        layout: layout(&req, lang, &viewer, &state, lang.t("editor.new")),
        csrf: viewer.csrf(),
        form,
        action,
        draft_id,
        state: Some(DraftState::Draft.label_da()),
        editable: true,
        review_comment: None,
        revision_of: None,
        notice: None,
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn create_protocol(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    form: Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    save_and_maybe_submit(req, lang, viewer, form, state, None).await
}

pub async fn update_draft(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    form: Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    save_and_maybe_submit(req, lang, viewer, form, state, Some(id.into_inner())).await
}

pub async fn edit_draft(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    id: web::Path<i32>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let user = viewer.require_editor(&req)?.clone();
    let id = id.into_inner();
    let (draft, revision_of) = with_conn(&state, move |conn| {
        let draft = drafts::find(conn, id)?;
        let slug = match draft.as_ref().and_then(|d| d.protocol_id) {
            Some(pid) => crate::db::protocols::load_protocols(conn, Some(&[pid]), false)?
                .into_iter()
                .next()
                .map(|s| s.slug),
            None => None,
        };
        Ok((draft, slug))
    })
    .await?;
    let draft = draft.ok_or(PageError::not_found())?;
    if !user.may_edit_dmcg(&draft.dmcg) {
        return Err(PageError::forbidden());
    }
    let dmcgs = editable_dmcgs(&user, &state);
    let mut form = ProtocolForm::from_doc(&draft.doc, &state.catalogue.get(), &dmcgs, lang);
    if let Ok(p) = draft.doc.validate(&reference_codes(&state)) {
        form.warnings = crate::domain::interchange::warnings(&p);
    }
    let notice = if req.query_string().contains("indsendt=1") {
        Some(lang.t("editor.submitted"))
    } else if req.query_string().contains("gemt=1") {
        Some(lang.t("editor.saved"))
    } else {
        None
    };
    let page = DraftPage {
        layout: layout(&req, lang, &viewer, &state, draft.acronym.clone()),
        csrf: viewer.csrf(),
        form,
        action: format!("/redaktion/kladder/{id}"),
        draft_id: Some(id),
        state: Some(draft.state.label_da()),
        editable: matches!(draft.state, DraftState::Draft | DraftState::Returned),
        review_comment: draft
            .review_comment
            .filter(|_| draft.state == DraftState::Returned),
        revision_of,
        notice,
    };
    render_with(StatusCode::OK, &page)
}

fn reference_codes(state: &AppState) -> crate::domain::ReferenceCodes {
    let c = state.catalogue.get();
    crate::domain::ReferenceCodes {
        dmcgs: c.dmcgs.iter().map(|d| d.acronym.clone()).collect(),
        sites: c.sites.iter().map(|s| s.code.clone()).collect(),
    }
}
