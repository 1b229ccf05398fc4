//! Tests of the validation messages: every key has a Danish and an English text, the English
//! is the API's and command line's text as it always was, and pages name fields by label.

use std::collections::{BTreeSet, HashMap};

use dccc_matching::{
    Biomarker, BiomarkerStatus, IcdCode, IcdPattern, Initiator, Phase, RecruitmentStatus, Setting,
    Sex, SexEligibility, SiteStatus, Stage,
};

use super::super::msg;
use super::{quoted, Message};

/// The texts of `locales/app.yml` by key and language, read line by line (the file is flat:
/// a key, then `  da:` and `  en:`).
fn locale_texts() -> HashMap<String, HashMap<String, String>> {
    let mut texts: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut key = String::new();
    for line in include_str!("../../locales/app.yml").lines() {
        if let Some(name) = line.strip_suffix(':').filter(|_| !line.starts_with(' ')) {
            key = name.to_owned();
        } else if let Some((lang, value)) = line.trim_start().split_once(": ") {
            let value = value.trim();
            let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
                None => value.to_owned(),
            };
            texts
                .entry(key.clone())
                .or_default()
                .insert(lang.to_owned(), value);
        }
    }
    texts
}

/// The `%{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("%{")
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_key_has_a_danish_and_an_english_text_with_the_same_arguments() {
    let texts = locale_texts();
    for key in msg::ALL
        .iter()
        .map(|k| k.0)
        .chain(msg::TERMS.iter().copied())
    {
        let entry = texts
            .get(key)
            .unwrap_or_else(|| panic!("{key} is not in locales/app.yml"));
        let (Some(da), Some(en)) = (entry.get("da"), entry.get("en")) else {
            panic!("{key} needs both da and en, has {entry:?}");
        };
        assert!(!da.is_empty() && !en.is_empty(), "{key}: empty text");
        // A Danish text may leave out an English-only detail (a CSV reader's message) but
        // must not take an argument the English one does not.
        assert!(
            placeholders(da).is_subset(&placeholders(en)),
            "{key}: da {da:?} and en {en:?} take different arguments"
        );
    }
    let keys: BTreeSet<&str> = msg::ALL.iter().map(|k| k.0).collect();
    assert_eq!(
        keys.len(),
        msg::ALL.len(),
        "a key is listed twice in msg::ALL"
    );
}

#[test]
fn the_english_of_the_api_and_command_line_is_unchanged() {
    let cases: Vec<(Message, &str)> = vec![
        (Message::new(msg::REQUIRED), "is required"),
        (
            Message::new(msg::REQUIRED_TO_PUBLISH),
            "is required for a published protocol",
        ),
        (
            Message::new(msg::ONE_OF_REQUIRED)
                .with_field("first_field", "title_da")
                .with_field("second_field", "title_en"),
            "title_da or title_en is required",
        ),
        (
            Message::new(msg::TOO_LONG).with("max", 300),
            "must be at most 300 characters",
        ),
        (
            Message::new(msg::LENGTH_RANGE)
                .with("min", 2)
                .with("max", 60)
                .with("got", 1),
            "must be 2 to 60 characters (got 1)",
        ),
        (
            Message::new(msg::LETTER_OR_DIGIT),
            "must contain at least one letter or digit",
        ),
        (
            Message::new(msg::WHOLE_NUMBER_RANGE)
                .with("min", 0)
                .with("max", 4)
                .with("got", 7),
            "must be a whole number from 0 to 4 (got 7)",
        ),
        (
            Message::new(msg::DATE_ISO).with("input", quoted("01-03-2025")),
            "\"01-03-2025\" is not a date in the form YYYY-MM-DD",
        ),
        (
            Message::new(msg::NOT_BEFORE)
                .with_field("other_field", "opened_on")
                .with("date", "2025-03-01"),
            "must not be before opened_on (2025-03-01)",
        ),
        (
            Message::new(msg::BELOW_MIN)
                .with_field("min_field", "eligibility.age_min")
                .with("min", 18),
            "must not be below age_min (18)",
        ),
        (
            Message::new(msg::BELOW_MIN)
                .with_field("min_field", "eligibility.prior_lines_min")
                .with("min", 2),
            "must not be below prior_lines_min (2)",
        ),
        (
            Message::new(msg::LISTED_TWICE).with("value", "HER2"),
            "HER2 is listed twice",
        ),
        (
            Message::new(msg::UNKNOWN_SITE).with("input", quoted("XX-ONK")),
            "\"XX-ONK\" is not a known department code",
        ),
        (
            Message::new(msg::UNKNOWN_DMCG).with("input", quoted("NOPE")),
            "\"NOPE\" is not a known DMCG acronym",
        ),
        (
            Message::new(msg::EMAIL).with("input", quoted("x")),
            "\"x\" is not a valid e-mail address",
        ),
        (
            Message::new(msg::UNKNOWN_POSTCODE).with("input", quoted("0999")),
            "\"0999\" is not a Danish postcode we know",
        ),
        (
            Message::new(msg::UNKNOWN_DIAGNOSIS).with("input", quoted("X99")),
            "\"X99\" is not an ICD-10 code or a diagnosis name we know (e.g. C50.9, DC509 or brystkræft)",
        ),
        (
            Message::new(msg::MAX_KM).with("got", 0),
            "must be a distance in km above 0 and at most 1000 (got 0)",
        ),
        (
            Message::new(msg::MAX_KM_NEEDS_POSTCODE),
            "needs a postcode to measure from",
        ),
        (
            Message::new(msg::TITLE_WITHOUT_DMCG).with("dmcg", "DBCG"),
            "the title should contain the DMCG acronym DBCG so the protocol can be found",
        ),
        (
            Message::new(msg::IMPORT_MISSING_COLUMNS).with("columns", "dmcg, age"),
            "missing column(s): dmcg, age",
        ),
        (
            Message::new(msg::IMPORT_FIELD_COUNT)
                .with("fields", 2)
                .with("header", 13),
            "2 fields where the header has 13",
        ),
        (
            Message::new(msg::IMPORT_NO_ROWS),
            "the file has a header but no rows",
        ),
        (
            Message::new(msg::IMPORT_DUPLICATE_OF_LINE).with("line", 2),
            "same patient reference, department, DMCG and date as line 2",
        ),
        (
            Message::new(msg::OFFER_NOT_YOUR_SITE).with("site", "RH-ONK"),
            "RH-ONK is not one of your departments",
        ),
        (
            Message::untranslated("X appears twice in the file"),
            "X appears twice in the file",
        ),
    ];
    for (message, english) in cases {
        assert_eq!(message.english(), english, "{message:?}");
        assert_eq!(message.to_string(), english, "{message:?}");
    }
    for (parsed, english) in [
        (
            super::super::NctId::parse("NCT1234").map(|_| ()),
            "\"NCT1234\" is not a valid number (expected NCT followed by 8 digits, e.g. NCT03646955)",
        ),
        (
            super::super::EudractNumber::parse("18-1").map(|_| ()),
            "\"18-1\" is not a valid number (expected YYYY-NNNNNN-NN, e.g. 2018-001234-56)",
        ),
        (
            super::super::EuCtNumber::parse("2023-4").map(|_| ()),
            "\"2023-4\" is not a valid number (expected YYYY-5NNNNN-NN-NN, e.g. 2023-501234-12-00)",
        ),
        (
            super::super::Postcode::parse("12").map(|_| ()),
            "\"12\" is not a Danish postcode (expected four digits, e.g. 8000)",
        ),
    ] {
        assert_eq!(parsed.expect_err(english).english(), english);
    }
}

#[test]
fn the_matching_crates_errors_keep_their_english_and_get_a_key() {
    let mut errors: Vec<(String, Message)> = Vec::new();
    let mut add = |display: String, message: Message| errors.push((display, message));
    macro_rules! vocabulary {
        ($($t:ty),+) => {$(
            let e = "nonsense".parse::<$t>().expect_err("not a value");
            add(e.to_string(), e.into());
        )+};
    }
    vocabulary!(
        Phase,
        RecruitmentStatus,
        SiteStatus,
        Sex,
        SexEligibility,
        Setting,
        Stage,
        Initiator,
        BiomarkerStatus
    );
    for bad in ["C5X", "C50."] {
        let e = bad.parse::<IcdCode>().expect_err("not a code");
        add(e.to_string(), e.into());
    }
    for bad in ["C5X", "C18-C2", "C18-D20", "C20-C18"] {
        let e = bad.parse::<IcdPattern>().expect_err("not a pattern");
        add(e.to_string(), e.into());
    }
    let e = Biomarker::new("HER 2!", BiomarkerStatus::Positive).expect_err("not a marker");
    add(e.to_string(), e.into());
    for (display, message) in errors {
        assert_eq!(message.english(), display, "{message:?}");
        assert_ne!(
            message.key(),
            msg::UNTRANSLATED,
            "{display:?} has no key: the matching crate's wording changed"
        );
        let da = message.page_text("da");
        assert_ne!(da, display, "{display:?} is not translated");
        assert!(!da.starts_with("da."), "{da}");
    }
}

#[test]
fn pages_name_other_fields_by_their_labels_in_their_language() {
    let below = Message::new(msg::BELOW_MIN)
        .with_field("min_field", "eligibility.age_min")
        .with("min", 18);
    assert_eq!(below.page_text("da"), "må ikke være under alder fra (18)");
    assert_eq!(below.page_text("en"), "must not be below age from (18)");
    let title = Message::new(msg::ONE_OF_REQUIRED)
        .with_field("first_field", "title_da")
        .with_field("second_field", "title_en");
    assert_eq!(
        title.page_text("da"),
        "udfyld den danske titel eller den engelske titel"
    );
    let phase = Message::from("phase-5".parse::<Phase>().expect_err("no phase 5"));
    assert!(
        phase
            .page_text("da")
            .starts_with("ukendt fase \"phase-5\"; tilladt: n-a,"),
        "{}",
        phase.page_text("da")
    );
    assert_eq!(
        Message::new(msg::CPR_REFUSED).page_text("da"),
        "Det ligner et CPR-nummer. Skriv aldrig CPR-numre her – tjenesten må ikke gemme eller behandle dem."
    );
}
