//! The index from a three-character ICD-10 category to the protocols whose diagnoses may
//! cover it, so a match judges only the candidates for the patient's category.

use crate::diagnosis::Diagnosis;
use crate::icd::IcdPatternList;

/// Categories are a letter and two digits: 26 × 100 slots.
const SLOTS: usize = 26 * 100;

/// The slot of a category such as `C50`, `None` for text that is no category.
fn slot(category: &str) -> Option<usize> {
    match category.as_bytes() {
        [letter @ b'A'..=b'Z', tens @ b'0'..=b'9', units @ b'0'..=b'9'] => Some(
            usize::from(letter - b'A') * 100
                + usize::from(tens - b'0') * 10
                + usize::from(units - b'0'),
        ),
        _ => None,
    }
}

/// Protocol positions by category, stored compactly: one flat list of positions with an
/// offset per category (as a sparse matrix's rows are), plus the protocols that must be
/// looked at for every category.
#[derive(Debug, Clone)]
pub(super) struct CategoryIndex {
    /// Protocols with no diagnosis restriction, or with a pattern whose categories cannot be
    /// listed (only possible for hand-built patterns); they are candidates for any code.
    everywhere: Vec<u32>,
    /// `entries[offsets[s]..offsets[s + 1]]` are the protocols under slot `s`, ascending.
    offsets: Vec<u32>,
    entries: Vec<u32>,
}

/// The slots a protocol's diagnoses cover, sorted and without repeats; `None` when it must be
/// a candidate everywhere.
fn slots_of(diagnoses: &IcdPatternList) -> Option<Vec<usize>> {
    if diagnoses.is_empty() {
        return None;
    }
    let mut slots = Vec::new();
    for pattern in &diagnoses.0 {
        let categories = pattern.categories();
        if categories.is_empty() {
            return None;
        }
        for category in categories {
            slots.push(slot(&category)?);
        }
    }
    slots.sort_unstable();
    slots.dedup();
    Some(slots)
}

/// A sort key that puts protocols of one category next to each other, those that are
/// candidates everywhere first, so that a match reads its candidates from nearby memory.
pub(super) fn locality_key(diagnoses: &IcdPatternList) -> usize {
    slots_of(diagnoses)
        .and_then(|slots| slots.first().map(|slot| slot + 1))
        .unwrap_or(0)
}

/// The candidates of one match, as [`CategoryIndex::candidates_for`] finds them.
pub(super) enum Candidates<'a> {
    /// A code's, read in place: the protocols everywhere, then those of its category.
    Code(std::iter::Chain<std::slice::Iter<'a, u32>, std::slice::Iter<'a, u32>>),
    /// A group's, collected once.
    Listed(std::vec::IntoIter<u32>),
    /// Every protocol.
    All(std::ops::Range<usize>),
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Self::Code(code) => code.next().map(|&protocol| protocol as usize),
            Self::Listed(listed) => listed.next().map(|protocol| protocol as usize),
            Self::All(all) => all.next(),
        }
    }
}

/// How many categories a protocol's diagnoses cover, its diagnosis scope: [`SLOTS`], every
/// category, when it lists none (all cancers) or a pattern whose categories cannot be listed.
pub(super) fn scope(diagnoses: &IcdPatternList) -> usize {
    slots_of(diagnoses).map_or(SLOTS, |slots| slots.len())
}

/// A position as stored: snapshots hold far fewer than 2³² protocols.
fn position(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl CategoryIndex {
    /// Indexes protocols given by their included diagnoses, in snapshot order.
    pub fn build<'a>(diagnoses: impl IntoIterator<Item = &'a IcdPatternList>) -> Self {
        let mut everywhere = Vec::new();
        let mut pairs: Vec<(usize, u32)> = Vec::new();
        for (index, list) in diagnoses.into_iter().enumerate() {
            match slots_of(list) {
                Some(slots) => pairs.extend(slots.into_iter().map(|slot| (slot, position(index)))),
                None => everywhere.push(position(index)),
            }
        }
        // Counting sort by slot; positions stay ascending within a slot.
        let mut offsets = vec![0u32; SLOTS + 1];
        for &(slot, _) in &pairs {
            offsets[slot + 1] += 1;
        }
        for slot in 0..SLOTS {
            offsets[slot + 1] += offsets[slot];
        }
        let mut next: Vec<u32> = offsets[..SLOTS].to_vec();
        let mut entries = vec![0u32; pairs.len()];
        for (slot, protocol) in pairs {
            entries[next[slot] as usize] = protocol;
            next[slot] += 1;
        }
        Self {
            everywhere,
            offsets,
            entries,
        }
    }

    /// Positions of the protocols that may cover the code, each once.
    #[cfg(test)]
    pub fn candidates(&self, code: &crate::icd::IcdCode) -> impl Iterator<Item = usize> + '_ {
        self.candidates_for(&Diagnosis::Code(code.clone()), 0)
    }

    /// Positions of the protocols that may reach the diagnosis, each once, among `len`
    /// protocols: for a code those of its category, for a group those of every category the
    /// group touches (all protocols for any diagnosis, or a group whose categories cannot be
    /// listed), and always those that are candidates everywhere.
    pub fn candidates_for(&self, diagnosis: &Diagnosis, len: usize) -> Candidates<'_> {
        let Some(group) = diagnosis.group_patterns() else {
            return match diagnosis.code() {
                Some(code) => Candidates::Code(
                    self.everywhere
                        .iter()
                        .chain(self.in_slot(slot(code.category()))),
                ),
                None => Candidates::All(0..len),
            };
        };
        let mut slots = Vec::new();
        for pattern in group {
            let categories = pattern.categories();
            if categories.is_empty() {
                return Candidates::All(0..len);
            }
            for category in categories {
                match slot(&category) {
                    Some(slot) => slots.push(slot),
                    None => return Candidates::All(0..len),
                }
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let mut found: Vec<u32> = self.everywhere.clone();
        for slot in slots {
            found.extend_from_slice(self.in_slot(Some(slot)));
        }
        // A protocol stands under every category it covers; judge it once.
        found.sort_unstable();
        found.dedup();
        Candidates::Listed(found.into_iter())
    }

    /// The protocols stored under a slot, ascending.
    fn in_slot(&self, slot: Option<usize>) -> &[u32] {
        match slot {
            Some(slot) => {
                &self.entries[self.offsets[slot] as usize..self.offsets[slot + 1] as usize]
            }
            None => &[],
        }
    }

    /// How many (category, protocol) entries are stored, plus the everywhere list.
    #[cfg(test)]
    pub fn stored_entries(&self) -> usize {
        self.entries.len() + self.everywhere.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icd::{IcdCode, IcdPattern};

    fn list(text: &str) -> IcdPatternList {
        text.parse().expect("valid pattern list")
    }

    #[test]
    fn candidates_are_the_protocols_covering_the_category_and_the_unrestricted() {
        let diagnoses = [
            list("C50"),
            list("C18-C20"),
            list(""),
            list("C509 C50-C52"),
            list("C924-C926"),
        ];
        let index = CategoryIndex::build(&diagnoses);
        let cases = [
            ("C509", vec![0, 2, 3]),
            ("C19", vec![1, 2]),
            ("C51", vec![2, 3]),
            ("C921", vec![2, 4]),
            ("D05", vec![2]),
        ];
        for (code, expected) in cases {
            let code: IcdCode = code.parse().expect("valid code");
            let mut found: Vec<usize> = index.candidates(&code).collect();
            found.sort_unstable();
            assert_eq!(found, expected, "candidates for {code}");
        }
        // C50 + C18..C20 + everywhere + C50..C52 + C92.
        assert_eq!(index.stored_entries(), 1 + 3 + 1 + 3 + 1);
    }

    #[test]
    fn a_pattern_without_categories_makes_the_protocol_a_candidate_everywhere() {
        let hand_built = IcdPatternList(vec![IcdPattern::Prefix("C5".to_owned())]);
        let index = CategoryIndex::build([&hand_built]);
        let code: IcdCode = "C509".parse().expect("valid code");
        assert_eq!(index.candidates(&code).collect::<Vec<_>>(), vec![0]);
    }
}
