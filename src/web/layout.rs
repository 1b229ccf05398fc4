//! What every page's frame needs: language, current address (for the language switch) and
//! whether demo data is on show.

use actix_web::HttpRequest;

use super::i18n::Lang;

#[derive(Debug, Clone)]
pub struct Layout {
    pub lang: Lang,
    pub title: String,
    /// Path and query of this page, for the language switch to return to.
    pub here: String,
    pub demo: bool,
    pub nav: &'static str,
}

impl Layout {
    pub fn new(
        req: &HttpRequest,
        lang: Lang,
        title: impl Into<String>,
        demo: bool,
        nav: &'static str,
    ) -> Self {
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{}", req.path(), q),
        };
        Self {
            lang,
            title: title.into(),
            here,
            demo,
            nav,
        }
    }
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    pub fn switch_href(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.here.as_bytes()).collect();
        format!("/sprog/{}?next={}", self.lang.other().code(), next)
    }
}
