//! Which protocols are open to many cancer types (basket and all-cancer trials), so result
//! cards can say so: decided by how many DMCGs' own areas (the DMCG table's ICD-10 codes) a
//! protocol's diagnoses reach.

use std::collections::HashMap;

use dccc_matching::IcdPatternList;

use super::snapshot::DmcgInfo;

/// A protocol is open to many cancer types when it lists no diagnoses (every cancer) or its
/// diagnoses reach the areas of at least this many DMCGs. Two is still a pair of related
/// diseases the DMCGs split between them (ALL and CLL under C91, colon and anus, breast and
/// ovary); three or more is a basket: every digestive cancer (C15–C26 reaches five), every
/// blood cancer (C81–C96 reaches four), every cancer (C00–C97 reaches them all). One DMCG's
/// whole area is never "many", however many categories it has (head and neck with thyroid is
/// 19).
pub const MANY_CANCER_TYPES_DMCGS: usize = 3;

/// The DMCGs of each ICD-10 category, built once per snapshot.
#[derive(Debug, Clone, Default)]
pub struct DmcgAreas {
    /// Category (`C34`) to the positions of the DMCGs whose area holds some of it.
    by_category: HashMap<String, Vec<usize>>,
}

impl DmcgAreas {
    /// The areas of the DMCGs whose scope is a site of the body. DAPHO (children, by age) and
    /// palliative care (every cancer) cover all of C00–C97 and would make every trial broad.
    pub fn new(dmcgs: &[DmcgInfo]) -> Self {
        let mut by_category: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, dmcg) in dmcgs.iter().enumerate() {
            if dmcg.scope != "site" {
                continue;
            }
            let Ok(area) = IcdPatternList::parse_list(&dmcg.icd10) else {
                continue;
            };
            for category in area.0.iter().flat_map(|pattern| pattern.categories()) {
                let holders = by_category.entry(category).or_default();
                if !holders.contains(&position) {
                    holders.push(position);
                }
            }
        }
        Self { by_category }
    }

    /// How many DMCGs' areas the diagnoses reach, by three-character category.
    pub fn reached(&self, diagnoses: &IcdPatternList) -> usize {
        let mut reached: Vec<usize> = diagnoses
            .0
            .iter()
            .flat_map(|pattern| pattern.categories())
            .filter_map(|category| self.by_category.get(&category))
            .flatten()
            .copied()
            .collect();
        reached.sort_unstable();
        reached.dedup();
        reached.len()
    }

    /// Whether a protocol with these diagnoses is open to many cancer types.
    pub fn many_cancer_types(&self, diagnoses: &IcdPatternList) -> bool {
        diagnoses.is_empty() || self.reached(diagnoses) >= MANY_CANCER_TYPES_DMCGS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DMCG table as the seed has it.
    fn seed_dmcgs() -> Vec<DmcgInfo> {
        #[derive(serde::Deserialize)]
        struct Row {
            acronym: String,
            icd10: String,
            scope: String,
        }
        csv::Reader::from_reader(include_str!("../../seed/dmcgs.csv").as_bytes())
            .deserialize::<Row>()
            .map(|row| {
                let row = row.unwrap_or_else(|error| panic!("seed/dmcgs.csv: {error}"));
                DmcgInfo {
                    acronym: row.acronym,
                    name_da: String::new(),
                    area_da: String::new(),
                    area_en: String::new(),
                    icd10: row.icd10,
                    umbrella: None,
                    scope: row.scope,
                    offer_standard_pct: None,
                }
            })
            .collect()
    }

    #[test]
    fn baskets_and_all_cancer_trials_are_open_to_many_cancer_types_and_one_disease_is_not() {
        let areas = DmcgAreas::new(&seed_dmcgs());
        // (diagnoses, DMCGs reached, many)
        #[rustfmt::skip]
        let cases = [
            ("C34", 1, false),
            ("C33-C34 C45", 1, false),
            ("C00-C14 C30-C32 C73", 1, false),
            ("C91", 2, false),
            ("C18-C21", 2, false),
            ("C50 C56", 2, false),
            ("C64-C68", 2, false),
            ("C74 C47", 1, false),
            ("C17", 0, false),
            ("C91-C95", 3, true),
            ("C81-C96", 4, true),
            ("C15-C26", 5, true),
            ("C60-C68", 5, true),
            ("C00-C97", 21, true),
            ("", 0, true),
        ];
        for (diagnoses, reached, many) in cases {
            let list = IcdPatternList::parse_list(diagnoses).expect("valid diagnoses");
            assert_eq!(
                areas.reached(&list),
                reached,
                "DMCGs reached by {diagnoses:?}"
            );
            assert_eq!(areas.many_cancer_types(&list), many, "{diagnoses:?}");
        }
    }
}
