//! The sentence parts the engine's texts are made of: lists, labels inside a sentence,
//! diagnosis codes and patterns as people read them, and age and count bounds.

use super::{Lang, Piece};
use crate::icd::{IcdCode, IcdPattern, IcdPatternList};

/// A patient's code in its dotted form, `C50.9`.
impl Piece for IcdCode {
    fn size_hint(&self) -> usize {
        self.as_str().len() + 1
    }

    fn push_to(&self, out: &mut String) {
        Dotted(self.as_str()).push_to(out);
    }
}

/// "a", "a eller b", "a, b eller c": the items with commas and a final word ("eller", "or",
/// "og", "and") before the last.
pub(in crate::engine) struct List<'a, T> {
    pub items: &'a [T],
    pub last_word: &'static str,
    /// How each item is written.
    pub show: fn(&T, &mut String),
}

impl<T> Piece for List<'_, T> {
    fn size_hint(&self) -> usize {
        self.items.len() * 24
    }

    fn push_to(&self, out: &mut String) {
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                out.push_str(if index + 1 == self.items.len() {
                    self.last_word
                } else {
                    ", "
                });
            }
            (self.show)(item, out);
        }
    }
}

/// A label with its first letter in lower case, so it can stand inside a sentence.
pub(in crate::engine) struct LowerFirst<'a>(pub &'a str);

impl Piece for LowerFirst<'_> {
    fn size_hint(&self) -> usize {
        self.0.len() + 1
    }

    fn push_to(&self, out: &mut String) {
        let mut chars = self.0.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_lowercase());
        }
        out.push_str(chars.as_str());
    }
}

/// A canonical code or prefix with the dot people read: `C509` → `C50.9`, `C50` → `C50`.
pub(in crate::engine) struct Dotted<'a>(pub &'a str);

impl Piece for Dotted<'_> {
    fn size_hint(&self) -> usize {
        self.0.len() + 1
    }

    fn push_to(&self, out: &mut String) {
        match (self.0.get(..3), self.0.get(3..)) {
            (Some(category), Some(subcode)) if !subcode.is_empty() => {
                out.push_str(category);
                out.push('.');
                out.push_str(subcode);
            }
            _ => out.push_str(self.0),
        }
    }
}

/// A pattern as people read it: `C50.9`, `C18–C20`.
pub(in crate::engine) struct Pattern<'a>(pub &'a IcdPattern);

impl Piece for Pattern<'_> {
    fn size_hint(&self) -> usize {
        12
    }

    fn push_to(&self, out: &mut String) {
        match self.0 {
            IcdPattern::Prefix(prefix) => Dotted(prefix).push_to(out),
            IcdPattern::Range { from, to } => {
                Dotted(from).push_to(out);
                out.push('–');
                Dotted(to).push_to(out);
            }
        }
    }
}

/// At most this many patterns are spelled out in a sentence; the rest become "…".
const MAX_PATTERNS_SHOWN: usize = 6;

/// Patterns as a readable list, cut short when a protocol lists many.
pub(in crate::engine) struct Patterns<'a>(pub &'a [IcdPattern]);

impl Piece for Patterns<'_> {
    fn size_hint(&self) -> usize {
        self.0.len().min(MAX_PATTERNS_SHOWN + 1) * 10
    }

    fn push_to(&self, out: &mut String) {
        for (index, pattern) in self.0.iter().take(MAX_PATTERNS_SHOWN).enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            Pattern(pattern).push_to(out);
        }
        if self.0.len() > MAX_PATTERNS_SHOWN {
            out.push_str(", …");
        }
    }
}

/// A patient's diagnosis group as people read it, every pattern spelled out: `C33–C34`,
/// `C81–C86, C88`; the empty group (any diagnosis) as "(alle diagnoser)" / "(any diagnosis)".
pub(in crate::engine) struct Group<'a>(pub &'a IcdPatternList, pub Lang);

impl Piece for Group<'_> {
    fn size_hint(&self) -> usize {
        self.0 .0.len().max(2) * 10
    }

    fn push_to(&self, out: &mut String) {
        if self.0.is_empty() {
            return out.push_str(self.1.pick("(alle diagnoser)", "(any diagnosis)"));
        }
        for (index, pattern) in self.0 .0.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            Pattern(pattern).push_to(out);
        }
    }
}

/// An inclusive age range: "inden for 18–75 år" / "within 18–75 years", "mindst 18 år" /
/// "at least 18 years old", "højst 17 år" / "at most 17 years old".
pub(in crate::engine) struct AgeRange {
    pub min: Option<u8>,
    pub max: Option<u8>,
    pub lang: Lang,
}

impl Piece for AgeRange {
    fn size_hint(&self) -> usize {
        24
    }

    fn push_to(&self, out: &mut String) {
        let lang = self.lang;
        let (before, number) = match (self.min, self.max) {
            (Some(min), Some(max)) => {
                out.push_str(lang.pick("inden for ", "within "));
                min.push_to(out);
                out.push('–');
                max.push_to(out);
                return out.push_str(lang.pick(" år", " years"));
            }
            (Some(min), None) => (lang.pick("mindst ", "at least "), min),
            (None, Some(max)) => (lang.pick("højst ", "at most "), max),
            (None, None) => {
                return out.push_str(lang.pick("uden aldersgrænse", "without an age limit"))
            }
        };
        out.push_str(before);
        number.push_to(out);
        out.push_str(lang.pick(" år", " years old"));
    }
}

/// Inclusive bounds on a count: "1–3", "mindst 1" / "at least 1", "højst 2" / "at most 2".
pub(in crate::engine) struct Bounds {
    pub min: Option<u8>,
    pub max: Option<u8>,
    pub lang: Lang,
}

impl Piece for Bounds {
    fn size_hint(&self) -> usize {
        12
    }

    fn push_to(&self, out: &mut String) {
        let lang = self.lang;
        let (word, number) = match (self.min, self.max) {
            (Some(min), Some(max)) => {
                min.push_to(out);
                out.push('–');
                return max.push_to(out);
            }
            (Some(min), None) => (lang.pick("mindst ", "at least "), min),
            (None, Some(max)) => (lang.pick("højst ", "at most "), max),
            (None, None) => return out.push_str(lang.pick("0 eller flere", "0 or more")),
        };
        out.push_str(word);
        number.push_to(out);
    }
}
