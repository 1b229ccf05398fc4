//! A patient's diagnosis as a match is given it: one ICD-10 code, as a clinician knows it, or
//! the group of codes a lay term stands for ("lungekræft" is C33–C34), as a patient knows it.

use crate::icd::{IcdCode, IcdPattern, IcdPatternList};
use serde::Serialize;
use std::fmt;

/// What is known of the patient's diagnosis.
///
/// A protocol pattern *reaches* a diagnosis when it may hold the patient's code: it matches
/// the code, or it shares a code with the group (lies inside it or covers some of it). It
/// *covers* the diagnosis when it holds the code for certain: it matches the code, or it covers
/// the whole group. Contract §2: with a group, a protocol's `diagnosis` criterion is met when
/// an included pattern reaches the group and no excluded pattern covers the whole group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Diagnosis {
    /// The patient's code.
    Code(IcdCode),
    /// Some code under these prefixes and ranges. The empty list is any diagnosis at all (as
    /// an empty [`crate::Eligibility::diagnoses`] is), e.g. "børnekræft" for a child.
    Group(IcdPatternList),
}

/// The pattern every code falls under: what the empty group stands for.
static EVERY_CODE: [IcdPattern; 1] = [IcdPattern::Prefix(String::new())];

impl Diagnosis {
    /// Any diagnosis at all.
    pub fn any() -> Self {
        Self::Group(IcdPatternList::default())
    }

    /// The code, when the diagnosis is one.
    pub fn code(&self) -> Option<&IcdCode> {
        match self {
            Self::Code(code) => Some(code),
            Self::Group(_) => None,
        }
    }

    /// The group's patterns as they are compared: the empty group is the one pattern that
    /// every code falls under. `None` for a code.
    pub(crate) fn group_patterns(&self) -> Option<&[IcdPattern]> {
        match self {
            Self::Code(_) => None,
            Self::Group(group) => Some(members(group)),
        }
    }

    /// Whether the pattern may hold the patient's code: it matches the code, or shares a code
    /// with the group.
    pub fn is_reached_by(&self, pattern: &IcdPattern) -> bool {
        match self {
            Self::Code(code) => pattern.matches(code),
            Self::Group(group) => members(group).iter().any(|member| pattern.overlaps(member)),
        }
    }

    /// Whether the pattern holds the patient's code for certain: it matches the code, or covers
    /// every pattern of the group.
    pub fn is_covered_by(&self, pattern: &IcdPattern) -> bool {
        match self {
            Self::Code(code) => pattern.matches(code),
            Self::Group(group) => members(group).iter().all(|member| pattern.covers(member)),
        }
    }

    /// How closely the pattern targets the diagnosis, `None` when it does not reach it: for a
    /// code the [`IcdPattern::match_len`], for a group the pattern's own
    /// [`IcdPattern::head_len`].
    pub fn match_len(&self, pattern: &IcdPattern) -> Option<usize> {
        match self {
            Self::Code(code) => pattern.match_len(code),
            Self::Group(_) => self.is_reached_by(pattern).then(|| pattern.head_len()),
        }
    }
}

/// A group's patterns, the empty group as the pattern every code falls under.
pub(crate) fn members(group: &IcdPatternList) -> &[IcdPattern] {
    if group.is_empty() {
        &EVERY_CODE
    } else {
        &group.0
    }
}

impl From<IcdCode> for Diagnosis {
    fn from(code: IcdCode) -> Self {
        Self::Code(code)
    }
}

impl From<IcdPatternList> for Diagnosis {
    fn from(group: IcdPatternList) -> Self {
        Self::Group(group)
    }
}

/// A code in its dotted form (`C50.9`), a group as its canonical patterns (`C81-C86 C88`), any
/// diagnosis as `*`.
impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Group(group) if group.is_empty() => f.write_str("*"),
            Self::Group(group) => write!(f, "{group}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(text: &str) -> Diagnosis {
        Diagnosis::Group(text.parse().expect("valid group"))
    }

    fn pattern(text: &str) -> IcdPattern {
        text.parse().expect("valid pattern")
    }

    #[test]
    fn a_group_is_reached_by_patterns_inside_it_or_over_it_and_covered_only_as_a_whole() {
        // (diagnosis, pattern, reached, covered)
        let cases = [
            (group("C33-C34"), "C34", true, false),
            (group("C33-C34"), "C341", true, false),
            (group("C33-C34"), "C00-C97", true, true),
            (group("C33-C34"), "C30-C39", true, true),
            (group("C33-C34"), "C32-C33", true, false),
            (group("C33-C34"), "C50", false, false),
            (group("C910"), "C91", true, true),
            (group("C910"), "C9100", true, false),
            (group("C910"), "C911", false, false),
            (group("C81-C86 C88"), "C833", true, false),
            (group("C81-C86 C88"), "C81-C96", true, true),
            (group("C81-C86 C88"), "C81-C86", true, false),
            (group("C81-C86 C88"), "C90", false, false),
            (Diagnosis::any(), "C34", true, false),
            (Diagnosis::any(), "D76", true, false),
            (
                Diagnosis::Code("C341".parse().expect("code")),
                "C34",
                true,
                true,
            ),
            (
                Diagnosis::Code("C34".parse().expect("code")),
                "C341",
                false,
                false,
            ),
        ];
        for (diagnosis, text, reached, covered) in cases {
            let pattern = pattern(text);
            assert_eq!(
                diagnosis.is_reached_by(&pattern),
                reached,
                "{text} reaches {diagnosis}"
            );
            assert_eq!(
                diagnosis.is_covered_by(&pattern),
                covered,
                "{text} covers {diagnosis}"
            );
        }
    }

    #[test]
    fn a_group_match_length_is_the_pattern_s_own_length() {
        let cases = [
            (group("C33-C34"), "C34", Some(3)),
            (group("C33-C34"), "C341", Some(4)),
            (group("C33-C34"), "C00-C97", Some(3)),
            (group("C33-C34"), "C50", None),
            (group("C920 C924-C926"), "C924-C926", Some(4)),
            (Diagnosis::any(), "C910", Some(4)),
        ];
        for (diagnosis, text, len) in cases {
            assert_eq!(
                diagnosis.match_len(&pattern(text)),
                len,
                "{text} for {diagnosis}"
            );
        }
    }

    #[test]
    fn diagnoses_read_as_codes_patterns_or_a_star() {
        let cases = [
            (Diagnosis::Code("DC509".parse().expect("code")), "C50.9"),
            (group("C81-C86, C88"), "C81-C86 C88"),
            (Diagnosis::any(), "*"),
        ];
        for (diagnosis, shown) in cases {
            assert_eq!(diagnosis.to_string(), shown);
        }
    }
}
