//! `Cache-Control: no-store` on every response that holds register data or a match result,
//! so that neither a browser nor a proxy keeps a copy: the offer register, the matching pages
//! and API, the transparency report and its CSV files, the indicator API, and the admin and
//! editor pages. Chosen by the matched route pattern, so a new route in one of these areas is
//! covered without a word of its own.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CACHE_CONTROL};
use actix_web::middleware::Next;

/// Route patterns whose responses (and those of every route under them) are never stored.
pub const NO_STORE_AREAS: [&str; 8] = [
    "/tilbud",
    "/match",
    "/find-forsoeg",
    "/gennemsigtighed",
    "/api/v1/indicator",
    "/api/v1/match",
    "/admin",
    "/redaktion",
];

/// Whether a route pattern is one of [`NO_STORE_AREAS`] or lies under one.
pub fn holds_register_data(pattern: &str) -> bool {
    NO_STORE_AREAS.iter().any(|area| {
        pattern
            .strip_prefix(area)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Middleware (`middleware::from_fn`): marks the responses of those routes `no-store`.
pub async fn mark_no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sensitive = req
        .match_pattern()
        .is_some_and(|pattern| holds_register_data(&pattern));
    let mut res = next.call(req).await?;
    if sensitive {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::holds_register_data;

    #[test]
    fn areas_and_the_routes_under_them_are_not_stored_and_nothing_else() {
        for (pattern, expected) in [
            ("/tilbud", true),
            ("/tilbud/{id}/rediger", true),
            ("/match", true),
            ("/find-forsoeg", true),
            ("/gennemsigtighed/csv/{table}", true),
            ("/api/v1/indicator", true),
            ("/api/v1/match", true),
            ("/admin/kladder/{id}", true),
            ("/redaktion/protokoller/{slug}", true),
            ("/", false),
            ("/protokoller/{slug}", false),
            ("/api/v1/protocols", false),
            ("/matchmaker", false),
            ("/administration", false),
        ] {
            assert_eq!(holds_register_data(pattern), expected, "{pattern}");
        }
    }
}
