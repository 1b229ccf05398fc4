//! `POST /logout`: ends the session on the server (the old cookie no longer works) and forgets
//! the cookie.

use crate::web::see_other;
use actix_web::{web, HttpResponse};
use chrono::Utc;

use crate::services::accounts;
use crate::web::{with_conn, AppState};

use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::CsrfChecked;

pub async fn log_out(
    viewer: Viewer,
    _: CsrfChecked,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    if let Some(token) = viewer.token() {
        with_conn(&state, move |conn| {
            accounts::log_out(conn, &token, Utc::now().naive_utc())
        })
        .await?;
    }
    viewer.forget();
    Ok(see_other("/"))
}
