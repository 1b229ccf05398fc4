//! `/tilbud/import`: a department uploads a CSV file of decisions (contract.md §4). All rows
//! are stored or none; the errors are listed with their line numbers.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::require_register_user;
use crate::db::history::Actor;
use crate::domain::{msg, Message};
use crate::services::offers;
use crate::services::offers::import::{import_csv, ImportError, COLUMNS};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::forms::{line_views, LineView};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

use crate::web::upload::{read_upload, UploadError, UploadQuery, CSRF_HEADER, MAX_UPLOAD};

#[derive(Template)]
#[template(path = "offers/import.html")]
pub struct ImportPage {
    pub layout: Layout,
    pub csrf: String,
    pub columns: String,
    pub errors: Vec<LineView>,
    pub warnings: Vec<LineView>,
    pub message: String,
    pub imported: Option<usize>,
}

fn page(req: &HttpRequest, lang: Lang, viewer: &Viewer) -> ImportPage {
    ImportPage {
        layout: Layout::new(
            req,
            lang,
            lang.pick("Importér beslutninger", "Import decisions"),
            false,
            "offers",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        columns: COLUMNS.join(","),
        errors: Vec::new(),
        warnings: Vec::new(),
        message: String::new(),
        imported: None,
    }
}

pub async fn import_form(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
) -> Result<HttpResponse, PageError> {
    require_register_user(&viewer, &req)?;
    render_with(StatusCode::OK, &page(&req, lang, &viewer))
}

pub async fn import_offers(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<UploadQuery>,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    // Who may upload is settled before a byte of the body is read.
    let user = require_register_user(&viewer, &req)?.clone();
    let token = query.into_inner().csrf_token.or_else(|| {
        req.headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    let mut view = page(&req, lang, &viewer);
    let file = match read_upload(payload, &viewer, token).await {
        Ok(upload) => upload.file,
        Err(UploadError::Forged) => return Err(PageError::bad_csrf()),
        Err(UploadError::TooLarge) => {
            view.message = lang
                .message(&Message::new(msg::IMPORT_TOO_LARGE).with("mb", MAX_UPLOAD / 1024 / 1024));
            return render_with(StatusCode::PAYLOAD_TOO_LARGE, &view);
        }
        Err(UploadError::Unreadable) => {
            view.message = lang.message(&Message::new(msg::IMPORT_UPLOAD_FAILED));
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let Ok(text) = String::from_utf8(file) else {
        view.message = lang.message(&Message::new(msg::NOT_UTF8));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    };
    let catalogue = state.catalogue.get();
    let result = with_conn(&state, move |conn| {
        let reference = offers::reference(&catalogue);
        let allowed = (!user.is_admin()).then(|| user.sites.clone());
        Ok(import_csv(
            conn,
            &text,
            &reference,
            &Actor::of(&user),
            allowed.as_deref(),
        ))
    })
    .await?;
    match result {
        Ok(report) => {
            view.imported = Some(report.stored);
            view.warnings = line_views(&report.warnings, lang);
            render_with(StatusCode::OK, &view)
        }
        Err(ImportError::Invalid(errors)) => {
            view.errors = line_views(&errors, lang);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(ImportError::Database(e)) => Err(crate::web::error::internal(e)),
        // The upload is in memory: reading it cannot fail.
        Err(ImportError::Io(e)) => Err(crate::web::error::internal(e)),
    }
}
