//! The language switch: a plain link that sets a cookie and returns to the page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::web::error::not_found_response;
use crate::web::i18n::{Lang, LANG_COOKIE};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a local path may be returned to, so the switch cannot become an open redirect.
fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/".to_owned(),
    }
}

pub async fn switch_language(lang: web::Path<String>, next: web::Query<Next>) -> HttpResponse {
    let Some(lang) = Lang::parse(&lang) else {
        return not_found_response();
    };
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .insert_header(("Location", safe_next(next.into_inner().next)))
        .cookie(cookie)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_returned_to() {
        for (next, expected) in [
            (Some("/protokoller?dmcg=DBCG"), "/protokoller?dmcg=DBCG"),
            (Some("//evil.example"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("/\\evil"), "/"),
            (None, "/"),
        ] {
            assert_eq!(
                safe_next(next.map(str::to_owned)),
                expected,
                "case {next:?}"
            );
        }
    }
}
