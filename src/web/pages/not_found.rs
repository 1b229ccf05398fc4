//! The 404 page for every address no route claims (JSON under /api).

use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::web::error::{not_found_response, ApiError};

pub async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        ApiError::missing(format!("no such endpoint: {}", req.path())).error_response()
    } else {
        not_found_response()
    }
}
