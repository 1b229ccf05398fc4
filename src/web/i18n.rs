//! The reader's language: Danish first, English on request, remembered in a cookie.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Da => "da",
            Self::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "da" => Some(Self::Da),
            "en" => Some(Self::En),
            _ => None,
        }
    }
    pub fn is_en(self) -> bool {
        self == Self::En
    }
    pub fn other(self) -> Self {
        match self {
            Self::Da => Self::En,
            Self::En => Self::Da,
        }
    }
    /// The translation of a key from `locales/app.yml`.
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }
    /// A count with its noun: `key.one` for 1, `key.other` otherwise, `%{n}` replaced by the
    /// number ("1 protokol fundet", "2 protokoller fundet").
    pub fn count(self, n: usize, key: &str) -> String {
        let form = if n == 1 { "one" } else { "other" };
        let full = format!("{key}.{form}");
        let template = rust_i18n::t!(&full, locale = self.code());
        rust_i18n::replace_patterns(&template, &["n"], &[n.to_string()])
    }
    /// A validation message in this language.
    pub fn message(self, message: &crate::domain::Message) -> String {
        message.page_text(self.code())
    }
    /// Picks the Danish or English one of two texts.
    pub fn pick<'a>(self, da: &'a str, en: &'a str) -> &'a str {
        if self.is_en() {
            en
        } else {
            da
        }
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let lang = req
            .cookie(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or_default();
        ready(Ok(lang))
    }
}
