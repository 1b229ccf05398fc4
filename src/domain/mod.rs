//! Newtypes and rules with no I/O: identifiers, postcodes, the protocol record and its
//! interchange format. A value of these types that exists is valid.

pub mod accounts;
pub mod case_list;
pub mod change;
pub mod cpr;
pub mod csv_table;
pub mod disclosure;
pub mod drafts;
pub mod funnel;
pub mod identifiers;
pub mod indicator;
pub mod interchange;
pub mod messages;
pub mod msg;
pub mod offers;
pub mod protocol;
pub mod schema;
pub mod spreadsheet;
pub mod status_history;
pub mod suggest;
pub mod validate;

pub use identifiers::{slugify, Email, EuCtNumber, EudractNumber, NctId, Postcode};
pub use interchange::{FieldError, ProtocolDoc, ReferenceCodes};
pub use messages::Message;
pub use protocol::{Contact, Eligibility, Identifiers, Protocol, ProtocolSite};

/// Whether text holds a character a field of its kind must not: in a one-line field (an
/// acronym, a title, a name, a reference) any control character, line breaks included; in a
/// text (a summary, criteria) any control character but line breaks and tabs.
pub fn has_control_characters(text: &str, multi_line: bool) -> bool {
    text.chars().any(|c| {
        (c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') && !multi_line
    })
}

#[cfg(test)]
mod control_character_tests {
    use super::has_control_characters;

    #[test]
    fn one_line_fields_refuse_every_control_character_and_texts_only_the_unusual_ones() {
        for (text, one_line, multi_line) in [
            ("DBCG RT-NATURAL", false, false),
            ("Første\nanden", true, false),
            ("CR\rLF", true, false),
            ("tab\there", true, false),
            ("nul\u{0}byte", true, true),
            ("escape\u{1b}[31m", true, true),
            ("next line\u{85}", true, true),
            ("line\u{2028}separator", true, false),
            ("æøå – ok", false, false),
        ] {
            assert_eq!(
                has_control_characters(text, false),
                one_line,
                "{text:?} one line"
            );
            assert_eq!(
                has_control_characters(text, true),
                multi_line,
                "{text:?} text"
            );
        }
    }
}
