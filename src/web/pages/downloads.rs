//! Handles `GET /data/{file}`: the nightly full export at stable addresses,
//! `/data/protokoller.json` (the interchange format) and `/data/protokoller.fhir.json` (a FHIR
//! R4 Bundle). The files are written by `services::interchange::export`; one that is not there
//! yet (the first minutes after a first start) is written on the spot.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::services::interchange::export::{self, FHIR_FILE, JSON_FILE};
use crate::services::interchange::fhir::FHIR_JSON;
use crate::web::error::{ErrorKind, PageError};
use crate::web::{with_conn, AppState};

pub async fn download(
    file: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let file = file.into_inner();
    let content_type = match file.as_str() {
        JSON_FILE => "application/json",
        FHIR_FILE => FHIR_JSON,
        _ => return Err(ErrorKind::NotFound(None).into()),
    };
    let dir = export::export_dir(&state.settings.data_dir);
    let path = dir.join(&file);
    if !path.exists() {
        let catalogue = state.catalogue.get();
        let base = state.settings.base_url.trim_end_matches('/').to_owned();
        with_conn(&state, move |conn| {
            export::write_all(
                conn,
                &catalogue,
                &base,
                &dir,
                chrono::Utc::now().naive_utc(),
            )
        })
        .await?;
    }
    let read = path.clone();
    let (bytes, modified) = web::block(move || -> std::io::Result<_> {
        let bytes = std::fs::read(&read)?;
        let modified = std::fs::metadata(&read)?.modified()?;
        Ok((bytes, modified))
    })
    .await
    .map_err(PageError::internal)?
    .map_err(PageError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(header::LastModified(modified.into()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(bytes))
}
