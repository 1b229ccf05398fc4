//! New protocols and drafts: the form, "save draft" and "submit to DCCC".

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use super::form::{field_label, ProtocolForm};
use crate::db::drafts::{self, DraftState};
use crate::db::users::User;
use crate::domain::ProtocolDoc;
use crate::services::protocols::workflow::{self, WorkflowError};
use crate::web::admin::review::Submission;
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
    /// What an import left for the editor to confirm.
    pub notes: Vec<NoteView>,
    /// A submitted or published draft: what was sent.
    pub submission: Option<Submission>,
}

/// One import note on the draft page, its field named by its label.
pub struct NoteView {
    pub id: i32,
    pub kind: String,
    pub field: String,
    pub label: String,
    pub value: String,
    pub source: String,
}

/// The notes as the page shows them.
fn note_views(
    notes: &[drafts::DraftNote],
    lang: Lang,
    catalogue: &crate::catalogue::Catalogue,
) -> Vec<NoteView> {
    notes
        .iter()
        .map(|n| {
            let label = match n.kind.as_str() {
                "unmatched" => lang.t("ctgov.unmatched"),
                "to_write" => format!(
                    "{} – {}",
                    field_label(&n.field, lang),
                    lang.t("ctgov.to_write")
                ),
                _ => field_label(&n.field, lang),
            };
            NoteView {
                id: n.id,
                kind: n.kind.clone(),
                field: n.field.clone(),
                label,
                // A suggestion in the page's words ("Metastatisk (spredning)", not "metastatic").
                value: crate::web::history::value_words(&n.field, &n.value, lang, catalogue),
                source: n.source.clone(),
            }
        })
        .collect()
}

/// The fields an import left to write.
fn to_write(notes: &[drafts::DraftNote]) -> Vec<String> {
    notes
        .iter()
        .filter(|n| n.kind == "to_write")
        .map(|n| n.field.clone())
        .collect()
}

/// The fields the notes mark in the form.
fn marked_fields(notes: &[drafts::DraftNote]) -> Vec<String> {
    notes
        .iter()
        .filter(|n| n.kind != "unmatched")
        .map(|n| n.field.clone())
        .collect()
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
        notes: Vec::new(),
        submission: None,
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
    // "Add another department": the form again with everything as typed and one more empty
    // row; nothing is saved.
    if form_data.get("action") == "add_site" {
        let action = draft_id.map_or_else(
            || "/redaktion/ny".to_owned(),
            |id| format!("/redaktion/kladder/{id}"),
        );
        let page = DraftPage {
            layout: layout(&req, lang, &viewer, &state, lang.t("editor.new")),
            csrf: viewer.csrf(),
            form,
            action,
            draft_id,
            state: draft_id.map(|_| DraftState::Draft.label(lang.is_en())),
            editable: true,
            review_comment: None,
            revision_of: None,
            notice: None,
            notes: Vec::new(),
            submission: None,
        };
        return render_with(StatusCode::OK, &page);
    }
    let confirmed: Vec<i32> = form_data
        .all("confirm_note")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let mut draft_id = draft_id;
    let mut action = draft_id.map_or_else(
        || "/redaktion/ny".to_owned(),
        |id| format!("/redaktion/kladder/{id}"),
    );
    let mut shown_notes = Vec::new();
    if !form.has_errors() {
        let ctx = state.mail_context();
        let user2 = user.clone();
        let doc2 = doc.clone();
        let outcome = with_conn(&state, move |conn| {
            let now = Utc::now().naive_utc();
            let id = match workflow::save_draft(conn, &user2, draft_id, &doc2, now) {
                Ok(id) => id,
                Err(e) => return Ok((draft_id, Err(e), Vec::new())),
            };
            drafts::confirm_notes(conn, id, &confirmed)?;
            let notes = drafts::notes(conn, id)?;
            if submit {
                return Ok((
                    Some(id),
                    workflow::submit(conn, &user2, id, &ctx, now),
                    notes,
                ));
            }
            Ok((Some(id), Ok(()), notes))
        })
        .await?;
        match outcome {
            (Some(id), Ok(()), _) => {
                let flag = if submit { "indsendt" } else { "gemt" };
                return Ok(see_other(&format!("/redaktion/kladder/{id}?{flag}=1")));
            }
            (saved, Err(WorkflowError::Invalid(errors)), notes) => {
                form.add_errors(errors);
                form.marked_fields = marked_fields(&notes);
                form.to_write = to_write(&notes);
                form.to_write = to_write(&notes);
                shown_notes = note_views(&notes, lang, &state.catalogue.get());
                // A new draft saved before its submission was refused has its own address now.
                if let Some(id) = saved {
                    action = format!("/redaktion/kladder/{id}");
                    draft_id = Some(id);
                }
            }
            (_, Err(e), _) => return Err(PageError::from(e)),
            (None, Ok(()), _) => return Err(PageError::not_found()),
        }
    }
    let page = DraftPage {
        layout: layout(&req, lang, &viewer, &state, lang.t("editor.new")),
        csrf: viewer.csrf(),
        form,
        action,
        draft_id,
        state: Some(DraftState::Draft.label(lang.is_en())),
        editable: true,
        review_comment: None,
        revision_of: None,
        notice: None,
        notes: shown_notes,
        submission: None,
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
    let (draft, public, notes) = with_conn(&state, move |conn| {
        let draft = drafts::find(conn, id)?;
        let notes = drafts::notes(conn, id)?;
        let public = match draft.as_ref().and_then(|d| d.protocol_id) {
            Some(pid) => crate::db::protocols::load_protocols(conn, Some(&[pid]), false)?
                .into_iter()
                .next(),
            None => None,
        };
        Ok((draft, public, notes))
    })
    .await?;
    let revision_of = public.as_ref().map(|p| p.slug.clone());
    let draft = draft.ok_or(PageError::not_found())?;
    if !user.may_edit_dmcg(&draft.dmcg) {
        return Err(PageError::forbidden());
    }
    let dmcgs = editable_dmcgs(&user, &state);
    let mut form = ProtocolForm::from_doc(&draft.doc, &state.catalogue.get(), &dmcgs, lang);
    form.marked_fields = marked_fields(&notes);
    form.to_write = to_write(&notes);
    // A draft is saved as it is; what submitting would refuse is shown now, beside the
    // fields, so nothing waits until the submission.
    match draft.doc.validate(&state.catalogue.get().reference_codes()) {
        Ok(p) => form.warnings = crate::domain::interchange::warnings(&p),
        Err(errors) if matches!(draft.state, DraftState::Draft | DraftState::Returned) => {
            form.add_errors(errors);
            form.saved_with_errors = true;
            form.warnings
                .extend(crate::domain::interchange::diagnosis_warnings(
                    &draft.doc.eligibility.diagnoses,
                ));
        }
        Err(_) => {}
    }
    let notice = if req.query_string().contains("indsendt=1") {
        Some(lang.t("editor.submitted"))
    } else if req.query_string().contains("gemt=1") {
        Some(lang.t("editor.saved"))
    } else if req.query_string().contains("hentet=1") {
        Some(lang.t("ctgov.imported"))
    } else {
        None
    };
    let layout = layout(&req, lang, &viewer, &state, draft.acronym.clone());
    let editable = matches!(draft.state, DraftState::Draft | DraftState::Returned);
    // What was sent, read-only, as the public page will show it.
    let submission = (!editable).then(|| {
        Submission::of(
            &draft,
            public.as_ref(),
            &state.catalogue.get(),
            &layout,
            &state.settings.base_url,
        )
    });
    let page = DraftPage {
        layout,
        csrf: viewer.csrf(),
        form,
        action: format!("/redaktion/kladder/{id}"),
        draft_id: Some(id),
        state: Some(draft.state.label(lang.is_en())),
        editable,
        submission,
        review_comment: draft
            .review_comment
            .filter(|_| draft.state == DraftState::Returned),
        revision_of,
        notice,
        notes: note_views(&notes, lang, &state.catalogue.get()),
    };
    render_with(StatusCode::OK, &page)
}
