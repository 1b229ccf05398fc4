//! ICD-10 prefixes and category ranges that protocols and pathways use to select diagnoses.

use super::{IcdCode, IcdError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const EXPECTED_PATTERN: &str =
    "an ICD-10 code prefix or range (expected e.g. C50, C50.9, DC509 or C18-C20)";
const EXPECTED_RANGE_ENDS: &str =
    "an ICD-10 range (both ends must be codes of the same length, e.g. C18-C20 or C924-C926)";
const EXPECTED_SAME_LETTER: &str =
    "an ICD-10 range (both ends must have the same letter, e.g. C18-C20)";
const EXPECTED_ASCENDING: &str =
    "an ICD-10 range (the first category must not come after the last, e.g. C18-C20)";

/// Dashes people type between the ends of a range; word processors turn `-` into `–`.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—')
}

/// A selection of diagnoses: a code prefix (`C50`, `C509`) or an inclusive range of
/// codes of one length (`C18-C20` is C18, C19, C20 and all their subcodes; `C924-C926` is
/// C924, C925, C926 and their subcodes, as the DMCG reference data uses).
///
/// Built by parsing, the strings are canonical (`C509`, not `DC50.9`). A hand-built value
/// that breaks those rules matches as far as it can and never panics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum IcdPattern {
    /// Codes starting with this canonical prefix, at least a letter and two digits.
    Prefix(String),
    /// Codes whose category lies between these two categories, both ends included.
    Range { from: String, to: String },
}

impl IcdPattern {
    /// Whether the code falls under this pattern.
    pub fn matches(&self, code: &IcdCode) -> bool {
        self.match_len(code).is_some()
    }

    /// How specific the match is: the prefix length, or the length of a range's ends; `None` when the code
    /// does not match. A longer match means the protocol targets the diagnosis more closely.
    pub fn match_len(&self, code: &IcdCode) -> Option<usize> {
        match self {
            Self::Prefix(prefix) => code
                .as_str()
                .starts_with(prefix.as_str())
                .then_some(prefix.len()),
            Self::Range { from, to } => {
                // Both ends have the same length; compare the code's head of that length.
                // For equal-length codes of one letter, text order is code order.
                let n = from.len();
                if n < 3 || n != to.len() || from.get(..1) != to.get(..1) {
                    return None;
                }
                let head = code.as_str().get(..n)?;
                (from.as_str() <= head && head <= to.as_str()).then_some(n)
            }
        }
    }

    /// How long the pattern's heads are: the prefix length, or the length of a range's ends.
    /// It is the [`IcdPattern::match_len`] of every code the pattern matches.
    pub fn head_len(&self) -> usize {
        match self {
            Self::Prefix(prefix) => prefix.len(),
            Self::Range { from, .. } => from.len(),
        }
    }

    /// Whether some code falls under both patterns: one lies inside the other, or (for
    /// ranges) they share a category. `C34` and `C33-C34` overlap, as do `C91` and `C910`;
    /// `C34` and `C50` do not.
    pub fn overlaps(&self, other: &IcdPattern) -> bool {
        let (Some(a), Some(b)) = (Heads::of(self), Heads::of(other)) else {
            return false;
        };
        // Compare the two at the shorter length: a code under both has a head of that length
        // inside both intervals, and every such head extends to one.
        let len = a.len().min(b.len());
        match (a.cut(len), b.cut(len)) {
            (Some(a), Some(b)) => a.from <= b.to && b.from <= a.to,
            _ => false,
        }
    }

    /// Whether every code under `other` falls under this pattern: `C00-C97` covers `C33-C34`,
    /// `C91` covers `C910`; `C341` does not cover `C34`, which also holds `C34` itself.
    pub fn covers(&self, other: &IcdPattern) -> bool {
        let (Some(outer), Some(inner)) = (Heads::of(self), Heads::of(other)) else {
            return false;
        };
        if outer.len() > inner.len() {
            return false;
        }
        match inner.cut(outer.len()) {
            Some(inner) => outer.from <= inner.from && inner.to <= outer.to,
            None => false,
        }
    }

    /// The three-character categories this pattern covers, so protocols can be indexed by the
    /// category of a patient's code before the exact test.
    pub fn categories(&self) -> Vec<String> {
        match self {
            Self::Prefix(prefix) => prefix.get(..3).map(str::to_owned).into_iter().collect(),
            Self::Range { from, to } => match (
                from.get(..3).and_then(split_category),
                to.get(..3).and_then(split_category),
            ) {
                (Some((from_letter, from_number)), Some((to_letter, to_number)))
                    if from_letter == to_letter =>
                {
                    (from_number..=to_number)
                        .map(|number| format!("{from_letter}{number:02}"))
                        .collect()
                }
                _ => Vec::new(),
            },
        }
    }
}

/// A pattern as the interval of code heads it matches: a code matches when its first
/// `from.len()` characters lie between `from` and `to` (both of that length). A prefix is the
/// interval of one head.
#[derive(Clone, Copy)]
struct Heads<'a> {
    from: &'a str,
    to: &'a str,
}

impl<'a> Heads<'a> {
    /// `None` for a hand-built range that matches no code, as [`IcdPattern::match_len`] has it.
    fn of(pattern: &'a IcdPattern) -> Option<Self> {
        match pattern {
            IcdPattern::Prefix(prefix) => Some(Self {
                from: prefix,
                to: prefix,
            }),
            IcdPattern::Range { from, to } => {
                let usable =
                    from.len() >= 3 && from.len() == to.len() && from.get(..1) == to.get(..1);
                usable.then_some(Self { from, to })
            }
        }
    }

    fn len(&self) -> usize {
        self.from.len()
    }

    /// The interval of the heads' first `len` characters; `None` only when `len` falls inside
    /// a character that is not ASCII (hand-built text).
    fn cut(&self, len: usize) -> Option<Self> {
        Some(Self {
            from: self.from.get(..len)?,
            to: self.to.get(..len)?,
        })
    }
}

/// Splits a category such as `C18` into its letter and number.
fn split_category(category: &str) -> Option<(char, u8)> {
    match category.as_bytes() {
        [letter, tens, units]
            if letter.is_ascii_uppercase() && tens.is_ascii_digit() && units.is_ascii_digit() =>
        {
            Some((char::from(*letter), (tens - b'0') * 10 + (units - b'0')))
        }
        _ => None,
    }
}

fn parse_range(whole: &str, from: &str, to: &str) -> Result<IcdPattern, IcdError> {
    let invalid = |reason| IcdError {
        input: whole.to_owned(),
        reason,
    };
    let parse_end = |end: &str| -> Result<String, IcdError> {
        let code: IcdCode = end.parse().map_err(|_| invalid(EXPECTED_RANGE_ENDS))?;
        Ok(code.into())
    };
    let from = parse_end(from)?;
    let to = parse_end(to)?;
    if from.len() != to.len() {
        return Err(invalid(EXPECTED_RANGE_ENDS));
    }
    if from.get(..1) != to.get(..1) {
        return Err(invalid(EXPECTED_SAME_LETTER));
    }
    if from > to {
        return Err(invalid(EXPECTED_ASCENDING));
    }
    Ok(IcdPattern::Range { from, to })
}

impl FromStr for IcdPattern {
    type Err = IcdError;

    fn from_str(input: &str) -> Result<Self, IcdError> {
        let trimmed = input.trim();
        match trimmed.split_once(is_dash) {
            Some((from, to)) => parse_range(trimmed, from, to),
            None => match trimmed.parse::<IcdCode>() {
                Ok(code) => Ok(Self::Prefix(code.into())),
                Err(_) => Err(IcdError {
                    input: trimmed.to_owned(),
                    reason: EXPECTED_PATTERN,
                }),
            },
        }
    }
}

impl TryFrom<String> for IcdPattern {
    type Error = IcdError;

    fn try_from(text: String) -> Result<Self, IcdError> {
        text.parse()
    }
}

impl From<IcdPattern> for String {
    fn from(pattern: IcdPattern) -> String {
        pattern.to_string()
    }
}

/// The canonical form: `C509`, `C18-C20`.
impl fmt::Display for IcdPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Prefix(prefix) => f.write_str(prefix),
            Self::Range { from, to } => write!(f, "{from}-{to}"),
        }
    }
}

/// Several patterns, e.g. a protocol's included diagnoses. Serializes as a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IcdPatternList(pub Vec<IcdPattern>);

impl IcdPatternList {
    /// Parses patterns separated by whitespace or commas (`"C18 - C20, C50"`); an empty or
    /// blank string is the empty list. The first invalid pattern is the error.
    pub fn parse_list(text: &str) -> Result<Self, IcdError> {
        split_patterns(text)
            .iter()
            .map(|pattern| pattern.parse())
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether any pattern matches the code.
    pub fn matches(&self, code: &IcdCode) -> bool {
        self.0.iter().any(|pattern| pattern.matches(code))
    }

    /// Whether some pattern of this list shares a code with some pattern of `other`.
    pub fn overlaps(&self, other: &IcdPatternList) -> bool {
        self.0
            .iter()
            .any(|pattern| other.0.iter().any(|theirs| pattern.overlaps(theirs)))
    }

    /// The longest [`IcdPattern::match_len`] over the list, `None` when nothing matches.
    pub fn best_match_len(&self, code: &IcdCode) -> Option<usize> {
        self.0
            .iter()
            .filter_map(|pattern| pattern.match_len(code))
            .max()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Splits a list into pattern texts. Spaces around a dash are glued back together first,
/// because the dash, not the space, says that a range (`C18 - C20`) was meant.
fn split_patterns(text: &str) -> Vec<String> {
    let mut patterns = Vec::new();
    for comma_separated in text.split(',') {
        let mut in_this_part: Vec<String> = Vec::new();
        let mut previous_ended_with_dash = false;
        for word in comma_separated.split_whitespace() {
            match in_this_part.last_mut() {
                Some(previous) if previous_ended_with_dash || word.starts_with(is_dash) => {
                    previous.push_str(word);
                }
                _ => in_this_part.push(word.to_owned()),
            }
            previous_ended_with_dash = word.ends_with(is_dash);
        }
        patterns.extend(in_this_part);
    }
    patterns
}

impl FromStr for IcdPatternList {
    type Err = IcdError;

    fn from_str(text: &str) -> Result<Self, IcdError> {
        Self::parse_list(text)
    }
}

/// Space-separated canonical patterns, the form an edit field shows again.
impl fmt::Display for IcdPatternList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, pattern) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{pattern}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
