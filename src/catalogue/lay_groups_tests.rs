//! Tests of the lay diagnosis table: every row's terms find their group in every spelling the
//! fold allows, the contract's and the domain's groups hold the codes they name, and every
//! DMCG's own codes are reached by a lay term.

use dccc_matching::IcdPatternList;
use serde::Deserialize;

use super::{fold, LayGroup, LayGroups, Spelling};

fn table() -> LayGroups {
    match LayGroups::parse(super::LAY_DIAGNOSES) {
        Ok(table) => table,
        Err(error) => panic!("seed/lay_diagnoses.csv: {error:#}"),
    }
}

/// Ways a patient may type a term that the fold treats as the term itself.
fn spellings(term: &str) -> Vec<String> {
    let digraphs = term
        .replace('æ', "ae")
        .replace('ø', "oe")
        .replace('å', "aa")
        .replace('Æ', "Ae")
        .replace('Ø', "Oe")
        .replace('Å', "Aa");
    let bare = term
        .replace(['æ', 'å'], "a")
        .replace('ø', "o")
        .replace(['Æ', 'Å'], "A")
        .replace('Ø', "O");
    vec![
        term.to_owned(),
        term.to_uppercase(),
        term.to_lowercase(),
        format!("  {term} "),
        term.replace(' ', ""),
        term.replace('-', " "),
        digraphs,
        bare,
        term.replace("kræft", "cancer"),
        term.replace("cancer", "kræft"),
    ]
}

#[test]
fn the_seed_table_parses_with_a_group_for_every_cancer_the_dmcgs_treat() {
    let table = table();
    assert!(
        table.groups().len() >= 60,
        "{} groups",
        table.groups().len()
    );
    for group in table.groups() {
        assert!(
            !group.name_da.is_empty() && !group.name_en.is_empty() && !group.source.is_empty(),
            "{}: names and a source",
            group.name_da
        );
    }
}

#[test]
fn every_term_of_every_row_finds_its_group_in_every_spelling() {
    let table = table();
    for group in table.groups() {
        for term in group.terms.iter().chain([&group.name_da, &group.name_en]) {
            for typed in spellings(term) {
                let found = table.find(&typed).map(LayGroup::key);
                assert_eq!(
                    found.as_deref(),
                    Some(group.key().as_str()),
                    "{typed:?} (a spelling of {term:?}) should find {} ({})",
                    group.name_da,
                    group.key()
                );
            }
        }
        assert_eq!(
            table.find(&group.key()).map(|found| found.name_da.as_str()),
            Some(group.name_da.as_str()),
            "the codes {} the patient page posts find {}",
            group.key(),
            group.name_da
        );
    }
}

#[test]
fn the_groups_the_contract_and_the_domain_name_hold_their_codes() {
    let table = table();
    #[rustfmt::skip]
    let cases: &[(&str, &str, Option<u8>)] = &[
        ("lungekræft", "C33-C34", None),
        ("lunge kræft", "C33-C34", None),
        ("lungecancer", "C33-C34", None),
        ("lung cancer", "C33-C34", None),
        ("LUNGEKRAEFT", "C33-C34", None),
        ("Lungekraft", "C33-C34", None),
        ("lymfekræft", "C81-C86 C88", None),
        ("Lymfe-kræft", "C81-C86 C88", None),
        ("akut lymfatisk leukæmi", "C910", None),
        ("akut lymfatisk leukaemi", "C910", None),
        ("blærekræft", "C67", None),
        ("blaerekraeft", "C67", None),
        ("kræft i de øvre urinveje", "C65-C66 C68", None),
        ("blærekræft og urinvejskræft", "C65-C68", None),
        ("hoved-hals-kræft", "C00-C14 C30-C32", None),
        ("Hoved hals kræft", "C00-C14 C30-C32", None),
        ("gynækologisk kræft", "C51-C58 C481 C482", None),
        ("uvealt melanom", "C69", None),
        ("modermærkekræft", "C43", None),
        ("blodkræft", "C91-C95", None),
        ("blodkræft hos børn", "C91-C95", None),
        ("AML", "C920 C924-C926 C928 C930 C940 C942", None),
        ("myelomatose", "C90", None),
        ("brystkræft", "C50", None),
        ("tyktarmskræft", "C18", None),
        ("endetarmskræft", "C20", None),
        ("tarmkræft", "C18-C20", None),
        ("hjernekræft", "C71-C72", None),
        ("knoglekræft", "C40-C41", None),
        ("bløddelssarkom", "C47 C480 C49", None),
        ("bloeddelssarkom", "C47 C480 C49", None),
        ("bloddelssarkom", "C47 C480 C49", None),
        ("æggestokkræft", "C56 C570 C481 C482", None),
        ("aeggestokkraeft", "C56 C570 C481 C482", None),
        ("mesotheliom", "C45 C384", None),
        ("Hodgkin", "C81", None),
        ("børnekræft", "*", Some(17)),
        ("boernekraeft", "*", Some(17)),
        ("Childhood cancer", "*", Some(17)),
    ];
    for &(typed, key, max_age) in cases {
        let found = table.find(typed);
        assert_eq!(found.map(LayGroup::key).as_deref(), Some(key), "{typed}");
        assert_eq!(found.and_then(|g| g.max_age), max_age, "{typed}: age limit");
    }
    for typed in ["", "   ", "not a diagnosis", "kræft", "C99", "X00-X01"] {
        assert!(
            table.find(typed).is_none(),
            "{typed:?} is no lay group: {:?}",
            table.find(typed).map(|g| &g.name_da)
        );
    }
}

#[test]
fn terms_fold_to_one_spelling() {
    let cases = [
        ("Lunge kræft", Spelling::Digraphs, "lungekraeft"),
        ("lungecancer", Spelling::Digraphs, "lungekraeft"),
        ("LUNGEKRÆFT", Spelling::Bare, "lungekraft"),
        ("Bløddels-sarkom", Spelling::Digraphs, "bloeddelssarkom"),
        ("Bløddels-sarkom", Spelling::Bare, "bloddelssarkom"),
        ("Hodgkin's lymphoma", Spelling::Digraphs, "hodgkinslymphoma"),
        ("Waldenström", Spelling::Digraphs, "waldenstroem"),
        ("Ewing-sarkóm", Spelling::Digraphs, "ewingsarkom"),
        ("ÅRHUS", Spelling::Digraphs, "aarhus"),
    ];
    for (text, spelling, folded) in cases {
        assert_eq!(fold(text, spelling), folded, "{text:?} {spelling:?}");
    }
}

#[derive(Deserialize)]
struct DmcgRow {
    acronym: String,
    icd10: String,
    scope: String,
}

fn dmcgs() -> Vec<DmcgRow> {
    csv::Reader::from_reader(include_str!("../../seed/dmcgs.csv").as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("seed/dmcgs.csv: {error}"))
}

fn patterns(text: &str) -> IcdPatternList {
    IcdPatternList::parse_list(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

#[test]
fn every_dmcg_s_own_codes_are_reached_by_a_lay_term() {
    let table = table();
    // Groups for one cancer; "børnekræft" (every diagnosis) would reach anything.
    let specific: Vec<&LayGroup> = table
        .groups()
        .iter()
        .filter(|group| !group.codes.is_empty())
        .collect();
    for dmcg in dmcgs() {
        let own = patterns(&dmcg.icd10);
        if dmcg.scope == "site" {
            // Each of the DMCG's prefixes and ranges lies inside one group, so a patient with
            // any of its codes has a word that reaches its trials.
            for pattern in &own.0 {
                let holding: Vec<&str> = specific
                    .iter()
                    .filter(|group| group.codes.0.iter().any(|g| g.covers(pattern)))
                    .map(|group| group.name_da.as_str())
                    .collect();
                assert!(
                    !holding.is_empty(),
                    "{}'s {pattern} lies inside no lay group",
                    dmcg.acronym
                );
            }
        } else {
            // DAPHO (children, by age) and palliative care (every cancer): some group names
            // the DMCG or reaches its codes.
            let reached = table.groups().iter().any(|group| {
                group.dmcgs.contains(&dmcg.acronym)
                    || (!group.codes.is_empty() && group.codes.overlaps(&own))
            });
            assert!(reached, "{} is reached by no lay group", dmcg.acronym);
        }
        let named = table
            .groups()
            .iter()
            .any(|group| group.dmcgs.contains(&dmcg.acronym));
        assert!(
            named || dmcg.scope == "cross-cutting",
            "no lay group names {} as its DMCG",
            dmcg.acronym
        );
    }
}

#[test]
fn the_dmcg_column_names_dmcgs_of_the_dmcg_table() {
    let known: Vec<String> = dmcgs().into_iter().map(|d| d.acronym).collect();
    for group in table().groups() {
        for dmcg in &group.dmcgs {
            assert!(
                known.contains(dmcg),
                "{} names {dmcg}, which is not in dmcgs.csv",
                group.name_da
            );
        }
    }
}

#[test]
fn a_term_in_two_rows_or_two_rows_with_the_same_codes_are_refused() {
    let header = "name_da,name_en,icd10,max_age,dmcg,source,terms\n";
    let cases = [
        (
            "A,A,C34,,,x,lungekræft\nB,B,C33,,,x,lunge cancer\n",
            "also a term of A",
        ),
        ("A,A,C34,,,x,a1\nB,B,C34,,,x,b1\n", "also A's"),
        ("A,A,C3,,,x,a1\n", "not an ICD-10"),
        ("A,A,C34,,,x,\n", "no terms"),
        ("A,A,C34,x,,x,a1\n", "max_age"),
    ];
    for (rows, expected) in cases {
        let error = LayGroups::parse(&format!("{header}{rows}"))
            .map(|_| ())
            .expect_err(rows);
        assert!(
            format!("{error:#}").contains(expected),
            "{rows:?}: {error:#}"
        );
    }
}
