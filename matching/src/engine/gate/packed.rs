//! Diagnosis codes and patterns packed into integers, so that matching a code against a
//! protocol's patterns is a mask and a compare instead of text comparison.

use crate::icd::IcdPattern;

/// Up to eight ASCII characters, left-aligned in a big-endian integer, so that prefix tests
/// are a mask and a compare, and integer order is text order for texts of one length.
pub(super) fn pack(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() > 8 || !text.is_ascii() {
        return None;
    }
    let mut padded = [0u8; 8];
    padded[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_be_bytes(padded))
}

/// The bits of the first `len` characters of a packed text.
fn head_mask(len: u8) -> u64 {
    match len {
        0 => 0,
        8.. => u64::MAX,
        _ => u64::MAX << (64 - 8 * u32::from(len)),
    }
}

/// A diagnosis pattern compiled to packed integers, with [`IcdPattern::match_len`]'s meaning.
#[derive(Debug, Clone, Copy)]
pub(super) enum Packed {
    Prefix {
        key: u64,
        len: u8,
    },
    Range {
        from: u64,
        to: u64,
        len: u8,
    },
    /// A hand-built range that can match nothing.
    Never,
}

impl Packed {
    pub fn compile(pattern: &IcdPattern) -> Option<Self> {
        match pattern {
            IcdPattern::Prefix(prefix) => Some(Self::Prefix {
                key: pack(prefix)?,
                len: u8::try_from(prefix.len()).ok()?,
            }),
            IcdPattern::Range { from, to } => {
                let usable =
                    from.len() >= 3 && from.len() == to.len() && from.get(..1) == to.get(..1);
                if !usable {
                    return Some(Self::Never);
                }
                Some(Self::Range {
                    from: pack(from)?,
                    to: pack(to)?,
                    len: u8::try_from(from.len()).ok()?,
                })
            }
        }
    }

    pub fn match_len(self, code: u64, code_len: u8) -> Option<usize> {
        match self {
            Self::Prefix { key, len } => {
                (code_len >= len && code & head_mask(len) == key).then_some(usize::from(len))
            }
            Self::Range { from, to, len } => {
                let head = code & head_mask(len);
                (code_len >= len && from <= head && head <= to).then_some(usize::from(len))
            }
            Self::Never => None,
        }
    }

    /// The interval of heads the pattern matches, as `(from, to, len)`; `None` for
    /// [`Packed::Never`].
    fn heads(self) -> Option<(u64, u64, u8)> {
        match self {
            Self::Prefix { key, len } => Some((key, key, len)),
            Self::Range { from, to, len } => Some((from, to, len)),
            Self::Never => None,
        }
    }

    /// How long the pattern's heads are, with [`IcdPattern::head_len`]'s meaning.
    pub fn head_len(self) -> Option<usize> {
        self.heads().map(|(_, _, len)| usize::from(len))
    }

    /// [`IcdPattern::overlaps`] on packed patterns.
    pub fn overlaps(self, other: Self) -> bool {
        let (Some((a_from, a_to, a_len)), Some((b_from, b_to, b_len))) =
            (self.heads(), other.heads())
        else {
            return false;
        };
        let mask = head_mask(a_len.min(b_len));
        a_from & mask <= b_to & mask && b_from & mask <= a_to & mask
    }

    /// [`IcdPattern::covers`] on packed patterns.
    pub fn covers(self, inner: Self) -> bool {
        let (Some((from, to, len)), Some((inner_from, inner_to, inner_len))) =
            (self.heads(), inner.heads())
        else {
            return false;
        };
        let mask = head_mask(len);
        len <= inner_len && from <= inner_from & mask && inner_to & mask <= to
    }
}
