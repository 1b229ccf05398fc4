//! `/ordliste`: the words patients meet on the pages, in plain language; terms on the
//! protocol and patient pages link to their entry here.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::render;
use crate::web::error::PageError;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::AppState;

/// The entries, by their anchor; each has `glossary.<id>.term` and `glossary.<id>.text`.
pub const ENTRIES: [&str; 9] = [
    "protokol",
    "fase",
    "randomiseret",
    "biomarkoer",
    "ecog",
    "icd-10",
    "dmcg",
    "mdt",
    "henvisning",
];

pub struct GlossaryEntry {
    pub id: &'static str,
    pub term: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "glossary.html")]
pub struct GlossaryPage {
    pub layout: Layout,
    pub entries: Vec<GlossaryEntry>,
}

pub async fn glossary(
    req: HttpRequest,
    lang: Lang,
    viewer: crate::web::auth::Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(
        &req,
        lang,
        lang.t("glossary.title"),
        state.catalogue.get().has_demo(),
        "glossary",
    )
    .with_viewer(&viewer);
    let entries = ENTRIES
        .iter()
        .map(|id| GlossaryEntry {
            id,
            term: lang.t(&format!("glossary.{id}.term")),
            text: lang.t(&format!("glossary.{id}.text")),
        })
        .collect();
    render(&GlossaryPage { layout, entries })
}
