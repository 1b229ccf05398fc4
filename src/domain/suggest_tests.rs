use super::*;

#[test]
fn exclusion_sentences_never_yield_requirements() {
    let found =
        suggest("Inclusion Criteria:\n* ECOG 0-1\nExclusion Criteria:\n* Known EGFR mutation\n");
    assert_eq!(
        found
            .iter()
            .map(|s| (s.field, s.value.as_str()))
            .collect::<Vec<_>>(),
        [
            ("eligibility.ecog_max", "1"),
            ("eligibility.biomarkers_excluded", "EGFR positive")
        ]
    );
    assert_eq!(found[1].sentence, "Known EGFR mutation");
}

/// The real criteria sentences of `tests/fixtures/ctgov/criteria_sentences.tsv` (sources
/// beside it): line number, section, sentence.
fn real_sentences() -> Vec<(usize, Section, String)> {
    include_str!("../../tests/fixtures/ctgov/criteria_sentences.tsv")
        .lines()
        .enumerate()
        .skip(1)
        .filter_map(|(i, line)| {
            let mut cols = line.splitn(3, '\t');
            let _nct = cols.next()?;
            let section = match cols.next()? {
                "exclusion" => Section::Exclusion,
                _ => Section::Inclusion,
            };
            // The bullet or number in front goes, as when a whole text is read.
            let (_, clean) = sentences(cols.next()?).into_iter().next()?;
            Some((i + 1, section, clean))
        })
        .collect()
}

/// What each real sentence must yield (field without `eligibility.`, value); every other
/// sentence of the file must yield nothing. Read by hand against the sentence: e.g. line 14
/// ("no EGFR exon 19 deletion or EGFR L858R") is EGFR negative, line 22 (a stage of *another*
/// malignancy under "No patients with") and line 91 (prior therapy for HER2-positive disease)
/// yield nothing, line 71 ("ECOG < 2") is at most 1.
#[rustfmt::skip]
const EXPECTED: &[(usize, &[&str])] = &[
    (3, &["stages=II", "stages=III"]),
    (4, &["biomarkers_required=HER2 negative", "biomarkers_required=ER positive", "biomarkers_required=PR positive"]),
    (5, &["biomarkers_required=HER2 negative", "biomarkers_required=ER positive", "biomarkers_required=PR positive"]),
    (6, &["ecog_max=1"]),
    (8, &["settings=adjuvant"]),
    (14, &["biomarkers_required=EGFR negative"]),
    (15, &["biomarkers_required=ALK negative"]),
    (17, &["stages=II", "stages=III"]),
    (21, &["ecog_max=1"]),
    (25, &["stages=IV", "settings=metastatic"]),
    (26, &["biomarkers_required=HER2 positive"]),
    (28, &["settings=metastatic", "prior_lines_max=4"]),
    (29, &["ecog_max=1"]),
    (34, &["biomarkers_required=ER negative", "biomarkers_required=PR negative", "biomarkers_required=HER2 negative"]),
    (35, &["ecog_max=1"]),
    (36, &["settings=relapsed"]),
    (40, &["settings=metastatic", "settings=locally-advanced", "biomarkers_required=EGFR negative"]),
    (41, &["ecog_max=1"]),
    (43, &["biomarkers_excluded=EGFR positive"]),
    (47, &["stages=IV", "settings=metastatic"]),
    (48, &["biomarkers_required=EGFR positive"]),
    (51, &["settings=metastatic"]),
    (53, &["biomarkers_excluded=EGFR negative"]),
    (55, &["settings=relapsed", "settings=refractory"]),
    (56, &["ecog_max=2"]),
    (59, &["prior_lines_min=2"]),
    (61, &["ecog_max=2"]),
    (66, &["ecog_max=1"]),
    (70, &["settings=metastatic"]),
    (71, &["ecog_max=1"]),
    (81, &["settings=metastatic", "settings=locally-advanced", "settings=relapsed", "settings=refractory"]),
    (82, &["ecog_max=1"]),
    (86, &["ecog_max=1"]),
    (87, &["settings=metastatic", "settings=locally-advanced"]),
    (88, &["biomarkers_required=HER2 positive"]),
    (89, &["biomarkers_required=PIK3CA positive"]),
    (94, &["stages=III", "stages=IV"]),
    (95, &["ecog_max=1"]),
];

#[test]
fn every_real_criteria_sentence_yields_exactly_what_it_states() {
    let sentences = real_sentences();
    assert!(sentences.len() >= 40, "{} sentences", sentences.len());
    for (line, section, sentence) in &sentences {
        let got: Vec<String> = suggest_sentence(*section, sentence)
            .iter()
            .map(|s| format!("{}={}", s.field.trim_start_matches("eligibility."), s.value))
            .collect();
        let expected: Vec<String> = EXPECTED
            .iter()
            .find(|(l, _)| l == line)
            .map(|(_, v)| v.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default();
        assert_eq!(got, expected, "line {line}: {sentence:?}");
        for s in suggest_sentence(*section, sentence) {
            assert_eq!(
                &s.sentence, sentence,
                "line {line}: each suggestion names its sentence"
            );
        }
    }
    assert!(
        EXPECTED.len() >= 30,
        "most real sentences state something: {}",
        EXPECTED.len()
    );
}
