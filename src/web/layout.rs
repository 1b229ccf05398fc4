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
    /// The logged-in user's name, and what their role may open.
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub is_editor: bool,
    pub is_clinician: bool,
    /// For the logout form; empty when nobody is logged in.
    pub csrf: String,
    /// The Atom feed of what this page lists, for `<link rel="alternate">` and a visible link.
    pub feed: Option<String>,
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
            user_name: None,
            is_admin: false,
            is_editor: false,
            is_clinician: false,
            csrf: String::new(),
            feed: None,
        }
    }

    /// Links the page to the Atom feed of what it lists.
    pub fn with_feed(mut self, href: String) -> Self {
        self.feed = Some(href);
        self
    }

    /// Shows who is logged in, with their links and the logout form.
    pub fn with_viewer(mut self, viewer: &super::auth::Viewer) -> Self {
        if let Some(user) = &viewer.user {
            self.user_name = Some(user.display_name.clone());
            self.is_admin = user.is_admin();
            self.is_editor = user.is_admin() || user.role == crate::db::users::Role::DmcgEditor;
            self.is_clinician = user.is_admin() || user.role == crate::db::users::Role::Clinician;
            self.csrf = viewer.csrf();
        }
        self
    }
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    /// The lay diagnosis groups' names in the page's language, for a `<datalist>` (the
    /// field also takes misspellings and codes).
    pub fn lay_terms(&self) -> Vec<String> {
        let english = self.lang.is_en();
        let mut names: Vec<String> = crate::catalogue::matcher::diagnosis_names()
            .lay
            .groups()
            .iter()
            .map(|g| g.name(english).to_owned())
            .collect();
        names.sort_by_cached_key(|n| n.to_lowercase());
        names.dedup();
        names
    }
    /// A count with its noun in the page's language ([`Lang::count`]).
    pub fn count(&self, n: &usize, key: &str) -> String {
        self.lang.count(*n, key)
    }
    /// The translation of `prefix` + `name` (for fields named in a template loop).
    pub fn tf(&self, prefix: &str, name: &str) -> String {
        self.lang.t(&format!("{prefix}{name}"))
    }
    pub fn switch_href(&self) -> String {
        let next: String = form_urlencoded::byte_serialize(self.here.as_bytes()).collect();
        format!("/sprog/{}?next={}", self.lang.other().code(), next)
    }
}
