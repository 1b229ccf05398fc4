//! `POST /logout`: ends the session.

use crate::web::see_other;
use actix_web::web::Bytes;
use actix_web::HttpResponse;

use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::forms::checked;

pub async fn log_out(viewer: Viewer, body: Bytes) -> Result<HttpResponse, PageError> {
    checked(&body, &viewer)?;
    viewer.log_out();
    Ok(see_other("/"))
}
