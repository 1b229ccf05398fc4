//! `POST /logout`: ends the session.

use crate::web::see_other;
use actix_web::HttpResponse;

use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::CsrfChecked;

pub async fn log_out(viewer: Viewer, _: CsrfChecked) -> Result<HttpResponse, PageError> {
    viewer.log_out();
    Ok(see_other("/"))
}
