//! How the engine writes its Danish and English sentences. A match may write thousands, so a
//! sentence is a template with `{}` holes filled by [`Piece`]s into one string sized up front,
//! several times faster than `format!`; the template stays readable as the sentence it is.

mod pieces;

pub(super) use pieces::{AgeRange, Bounds, Dotted, Group, List, LowerFirst, Pattern, Patterns};

/// A pair of texts, Danish first.
pub(super) struct Texts {
    pub da: String,
    pub en: String,
}

impl Texts {
    pub fn new(da: String, en: String) -> Self {
        Self { da, en }
    }
}

/// The two languages a sentence part can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    Da,
    En,
}

impl Lang {
    /// The text in this language.
    pub const fn pick(self, da: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Da => da,
            Self::En => en,
        }
    }
}

/// A part of a sentence that can write itself onto a string.
pub(super) trait Piece {
    /// About how many bytes the part takes, to size the sentence once.
    fn size_hint(&self) -> usize;
    fn push_to(&self, out: &mut String);
}

/// Fills the `{}` holes of a literal template with pieces, in order:
/// `fill!("Alder {} er under {} år", age, min)`. The number of holes is checked when
/// compiling.
macro_rules! fill {
    ($template:literal $(, $piece:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::engine::text::holes($template)
                == <[()]>::len(&[$($crate::engine::text::fill!(@unit $piece)),*]),
            "a template needs one piece per hole"
        );
        $crate::engine::text::fill_template(
            $template,
            &[$(&$piece as &dyn $crate::engine::text::Piece),*],
        )
    }};
    (@unit $piece:expr) => { () };
}
pub(super) use fill;

/// How many `{}` holes a template has.
pub(super) const fn holes(template: &str) -> usize {
    let bytes = template.as_bytes();
    let (mut count, mut index) = (0, 0);
    while index + 1 < bytes.len() {
        if bytes[index] == b'{' && bytes[index + 1] == b'}' {
            count += 1;
            index += 1;
        }
        index += 1;
    }
    count
}

pub(super) fn fill_template(template: &str, pieces: &[&dyn Piece]) -> String {
    let size = template.len() + pieces.iter().map(|piece| piece.size_hint()).sum::<usize>();
    let mut out = String::with_capacity(size);
    let mut rest = template;
    for piece in pieces {
        // Templates hold no braces but the holes, so a `{` starts one; a one-byte search is
        // much cheaper than searching for the two-byte `{}`.
        let Some((before, after)) = rest.split_once('{') else {
            break;
        };
        out.push_str(before);
        piece.push_to(&mut out);
        rest = after.strip_prefix('}').unwrap_or(after);
    }
    out.push_str(rest);
    out
}

impl<T: Piece + ?Sized> Piece for &T {
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }

    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// Several parts written one after another.
impl<T: Piece, const N: usize> Piece for [T; N] {
    fn size_hint(&self) -> usize {
        self.iter().map(Piece::size_hint).sum()
    }

    fn push_to(&self, out: &mut String) {
        for piece in self {
            piece.push_to(out);
        }
    }
}

impl Piece for str {
    fn size_hint(&self) -> usize {
        self.len()
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn size_hint(&self) -> usize {
        self.len()
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for u8 {
    fn size_hint(&self) -> usize {
        3
    }

    fn push_to(&self, out: &mut String) {
        let n = *self;
        if n >= 100 {
            out.push(char::from(b'0' + n / 100));
        }
        if n >= 10 {
            out.push(char::from(b'0' + n / 10 % 10));
        }
        out.push(char::from(b'0' + n % 10));
    }
}

/// Whether a value lies within optional inclusive bounds.
pub(super) fn within(value: u8, min: Option<u8>, max: Option<u8>) -> bool {
    min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_in_order() {
        let cases = [
            (
                fill!("Alder {} er under {} år", 67u8, 70u8),
                "Alder 67 er under 70 år",
            ),
            (fill!("{}{}", "a", "b"), "ab"),
            (fill!("ingen huller"), "ingen huller"),
            (fill!("{} – {}", 0u8, 255u8), "0 – 255"),
            (fill!("{}", ["HER2", " ", "negativ"]), "HER2 negativ"),
        ];
        for (filled, expected) in cases {
            assert_eq!(filled, expected);
        }
        assert_eq!(holes("{} {x} {}{}"), 3);
    }

    #[test]
    fn lists_join_with_the_final_word() {
        let cases: [(&[&str], &str); 4] = [
            (&[], ""),
            (&["I"], "I"),
            (&["I", "II"], "I eller II"),
            (&["I", "II", "III"], "I, II eller III"),
        ];
        for (items, expected) in cases {
            let list = List {
                items,
                last_word: " eller ",
                show: |item, out| out.push_str(item),
            };
            assert_eq!(fill!("{}", list), expected, "list {items:?}");
        }
    }

    #[test]
    fn patterns_read_with_dots_and_dashes() {
        let cases = [
            ("C509", "C50.9"),
            ("C50", "C50"),
            ("C18-C20", "C18–C20"),
            ("C924-C926", "C92.4–C92.6"),
            (
                "C00 C01 C02 C03 C04 C05 C06",
                "C00, C01, C02, C03, C04, C05, …",
            ),
        ];
        for (input, expected) in cases {
            let patterns: crate::IcdPatternList = input.parse().expect("valid patterns");
            assert_eq!(
                fill!("{}", Patterns(&patterns.0)),
                expected,
                "patterns {input}"
            );
        }
    }

    #[test]
    fn labels_and_bounds_read_as_parts_of_a_sentence() {
        let (da, en) = (Lang::Da, Lang::En);
        let cases = [
            (
                fill!("{}", LowerFirst("Tilbagefald (recidiv)")),
                "tilbagefald (recidiv)",
            ),
            (fill!("{}", LowerFirst("Ældre")), "ældre"),
            (fill!("{}", LowerFirst("")), ""),
            (
                fill!(
                    "{}",
                    Bounds {
                        min: Some(1),
                        max: Some(3),
                        lang: da
                    }
                ),
                "1–3",
            ),
            (
                fill!(
                    "{}",
                    Bounds {
                        min: None,
                        max: Some(2),
                        lang: en
                    }
                ),
                "at most 2",
            ),
            (
                fill!(
                    "{}",
                    AgeRange {
                        min: Some(18),
                        max: None,
                        lang: da
                    }
                ),
                "mindst 18 år",
            ),
            (
                fill!(
                    "{}",
                    AgeRange {
                        min: None,
                        max: Some(17),
                        lang: en
                    }
                ),
                "at most 17 years old",
            ),
        ];
        for (written, expected) in cases {
            assert_eq!(written, expected);
        }
    }
}
