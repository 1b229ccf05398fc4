//! The stylesheet, compiled into the binary and served locally (no CDN).

use actix_web::{web, HttpResponse};

use crate::web::error::not_found_response;

const STYLE_CSS: &str = include_str!("../../../static/style.css");

pub async fn static_file(file: web::Path<String>) -> HttpResponse {
    match file.as_str() {
        "style.css" => HttpResponse::Ok()
            .content_type("text/css; charset=utf-8")
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(STYLE_CSS),
        _ => not_found_response(),
    }
}
