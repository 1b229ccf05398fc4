//! Validation messages as keys of `locales/app.yml` with named arguments. One message renders
//! in English for the JSON API and the command line (the field names of the contract) and in
//! the reader's language on pages (the fields' labels); the keys are in [`super::msg`].

use std::fmt;

use dccc_matching::{IcdError, InvalidBiomarker, UnknownValue};
use serde::{Serialize, Serializer};

use super::msg;

/// The key of a message in `locales/app.yml`; every key is a constant of [`super::msg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub &'static str);

/// A named argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as given in every language: a number, a code, the input quoted.
    Text(String),
    /// Another field of the same record, by its path (`eligibility.age_min`). The API names
    /// it as the contract does (`age_min`, the path's last part); a page uses its label,
    /// the key `validation.field.<path>`.
    Field(String),
    /// A word from the locale file, such as the name of a vocabulary (`validation.kind.phase`).
    Term(&'static str),
}

/// Who reads a rendered message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// Programs and scripts: fields by their contract names.
    Api,
    /// People on a page: fields by their labels.
    Page,
}

/// What a message says, in no language yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: Key,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(key: Key) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// A ready text in one language, shown as it is everywhere: the English checks of the
    /// command line's JSON import against the database, and the admin pages' own Danish
    /// messages (users, reference data), which have no keys yet.
    pub fn untranslated(text: impl Into<String>) -> Self {
        Self::new(msg::UNTRANSLATED).with("text", text.into())
    }

    /// Adds an argument shown as given.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Adds an argument naming another field of the record by its path.
    #[must_use]
    pub fn with_field(mut self, name: &'static str, path: impl Into<String>) -> Self {
        self.args.push((name, Arg::Field(path.into())));
        self
    }

    /// Adds an argument that is a word of the locale file.
    #[must_use]
    pub fn with_term(mut self, name: &'static str, key: &'static str) -> Self {
        self.args.push((name, Arg::Term(key)));
        self
    }

    pub fn key(&self) -> Key {
        self.key
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The English text of the JSON API and the command line.
    pub fn english(&self) -> String {
        self.render("en", Reader::Api)
    }

    /// The text for a page in `locale` (`da` or `en`), other fields named by their labels.
    pub fn page_text(&self, locale: &str) -> String {
        self.render(locale, Reader::Page)
    }

    fn render(&self, locale: &str, reader: Reader) -> String {
        let template = rust_i18n::t!(self.key.0, locale = locale);
        let names: Vec<&str> = self.args.iter().map(|(name, _)| *name).collect();
        let values: Vec<String> = self
            .args
            .iter()
            .map(|(_, arg)| match arg {
                Arg::Text(text) => text.clone(),
                Arg::Field(path) => match reader {
                    Reader::Api => path.rsplit('.').next().unwrap_or(path).to_owned(),
                    Reader::Page => {
                        let key = format!("validation.field.{path}");
                        rust_i18n::t!(&key, locale = locale).into_owned()
                    }
                },
                Arg::Term(key) => rust_i18n::t!(*key, locale = locale).into_owned(),
            })
            .collect();
        rust_i18n::replace_patterns(&template, &names, &values)
    }
}

impl From<Key> for Message {
    fn from(key: Key) -> Self {
        Self::new(key)
    }
}

/// A ready English text (see [`Message::untranslated`]).
impl From<String> for Message {
    fn from(text: String) -> Self {
        Self::untranslated(text)
    }
}

/// The English text, for error types that carry a ready string (the API's query parameters).
impl From<Message> for String {
    fn from(message: Message) -> Self {
        message.english()
    }
}

/// Shows the English text, as the API and the command line do.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.english())
    }
}

/// The locale key naming a vocabulary of the matching crate, by its `kind`.
fn vocabulary_term(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "phase" => "validation.kind.phase",
        "recruitment status" => "validation.kind.recruitment_status",
        "site status" => "validation.kind.site_status",
        "sex" => "validation.kind.sex",
        "setting" => "validation.kind.setting",
        "stage" => "validation.kind.stage",
        "initiator" => "validation.kind.initiator",
        "biomarker status" => "validation.kind.biomarker_status",
        _ => return None,
    })
}

/// "unknown phase "phase-5"; allowed: n-a, ...".
impl From<UnknownValue> for Message {
    fn from(e: UnknownValue) -> Self {
        let message = Self::new(msg::UNKNOWN_VALUE);
        let message = match vocabulary_term(e.kind) {
            Some(term) => message.with_term("kind", term),
            None => message.with("kind", e.kind),
        };
        message
            .with("input", e.input)
            .with("allowed", e.allowed.join(", "))
    }
}

/// Text that is not an ICD-10 code, prefix or range; the matching crate says which of its
/// rules was broken only in words, so the words choose the key (a test checks every one).
impl From<IcdError> for Message {
    fn from(e: IcdError) -> Self {
        let key = if e.reason.starts_with("an ICD-10 code (") {
            msg::ICD_CODE
        } else if e.reason.starts_with("an ICD-10 code prefix or range") {
            msg::ICD_PATTERN
        } else if e.reason.contains("same length") {
            msg::ICD_RANGE_ENDS
        } else if e.reason.contains("same letter") {
            msg::ICD_RANGE_LETTER
        } else if e.reason.contains("must not come after") {
            msg::ICD_RANGE_ORDER
        } else {
            return Self::untranslated(e.to_string());
        };
        Self::new(key).with("input", e.input)
    }
}

impl From<InvalidBiomarker> for Message {
    fn from(e: InvalidBiomarker) -> Self {
        Self::new(msg::BIOMARKER).with("input", e.input)
    }
}

/// Input quoted as the messages show it (`"X"`, with Rust's escapes for control characters).
pub fn quoted(input: &str) -> String {
    format!("{input:?}")
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
