//! Table tests for parsing, matching and listing ICD-10 prefixes and ranges.

use super::*;
use crate::serde_capture::{capture, from_text, from_texts, Captured};

fn code(text: &str) -> IcdCode {
    text.parse()
        .unwrap_or_else(|error| panic!("test code {text:?} is invalid: {error}"))
}

fn pattern(text: &str) -> IcdPattern {
    text.parse()
        .unwrap_or_else(|error| panic!("test pattern {text:?} is invalid: {error}"))
}

#[test]
fn every_accepted_pattern_form_parses_to_its_canonical_form() {
    let cases = [
        ("C50", "C50"),
        ("C509", "C509"),
        ("DC50", "C50"),
        ("C50.9", "C509"),
        ("c50.9", "C509"),
        ("D05", "D05"),
        ("C18-C20", "C18-C20"),
        ("DC18-DC20", "C18-C20"),
        ("C18–C20", "C18-C20"),
        ("C18 - C20", "C18-C20"),
        (" c18 –dc20 ", "C18-C20"),
        ("C18-C18", "C18-C18"),
        ("D37-D48", "D37-D48"),
    ];
    for (input, canonical) in cases {
        match input.parse::<IcdPattern>() {
            Ok(parsed) => assert_eq!(parsed.to_string(), canonical, "canonical form of {input:?}"),
            Err(error) => panic!("{input:?} should parse but gave: {error}"),
        }
    }
}

#[test]
fn invalid_patterns_are_rejected_with_the_reason() {
    let cases = [
        ("", EXPECTED_PATTERN),
        ("C5", EXPECTED_PATTERN),
        ("C", EXPECTED_PATTERN),
        ("CC50", EXPECTED_PATTERN),
        ("C20-C18", EXPECTED_ASCENDING),
        ("C18-D20", EXPECTED_SAME_LETTER),
        ("C18.1-C20", EXPECTED_RANGE_ENDS),
        ("C18-C20.9", EXPECTED_RANGE_ENDS),
        ("C18-", EXPECTED_RANGE_ENDS),
        ("-C20", EXPECTED_RANGE_ENDS),
        ("C18-C20-C22", EXPECTED_RANGE_ENDS),
        ("C926-C924", EXPECTED_ASCENDING),
        ("C92-C926", EXPECTED_RANGE_ENDS),
    ];
    for (input, reason) in cases {
        match input.parse::<IcdPattern>() {
            Ok(parsed) => panic!("{input:?} should be rejected but parsed as {parsed}"),
            Err(error) => assert_eq!(error.reason, reason, "reason for rejecting {input:?}"),
        }
    }
}

#[test]
fn prefixes_and_ranges_match_the_codes_they_cover() {
    let cases = [
        ("C50", "C509", true),
        ("C50", "C50", true),
        ("C50", "C51", false),
        ("C509", "C50", false),
        ("C509", "DC50.9", true),
        ("C18-C20", "C18", true),
        ("C18-C20", "C19.2", true),
        ("C18-C20", "C20", true),
        ("C18-C20", "C21", false),
        ("C17-C17", "C17.1", true),
        ("C18-C20", "C17", false),
        ("C18-C20", "D18", false),
        ("D05", "D05.1", true),
        ("D05", "C05", false),
        ("C924-C926", "C925", true),
        ("C924-C926", "C92.61", true),
        ("C924-C926", "C92", false),
        ("C924-C926", "C927", false),
        ("C924-C926", "C923", false),
        ("C751-C753", "DC75.2", true),
    ];
    for (pattern_text, code_text, expected) in cases {
        assert_eq!(
            pattern(pattern_text).matches(&code(code_text)),
            expected,
            "does {pattern_text} match {code_text}?"
        );
    }
}

#[test]
fn match_len_ranks_longer_prefixes_higher() {
    let cases = [
        ("C50", "C509", Some(3)),
        ("C509", "C509", Some(4)),
        ("C18-C20", "C19.2", Some(3)),
        ("C18-C20", "C21", None),
        ("C924-C926", "C925", Some(4)),
        ("C51", "C509", None),
    ];
    for (pattern_text, code_text, expected) in cases {
        assert_eq!(
            pattern(pattern_text).match_len(&code(code_text)),
            expected,
            "match length of {pattern_text} for {code_text}"
        );
    }
}

#[test]
fn categories_lists_every_category_a_pattern_covers() {
    let cases: [(&str, &[&str]); 4] = [
        ("C18-C20", &["C18", "C19", "C20"]),
        ("C09-C11", &["C09", "C10", "C11"]),
        ("C509", &["C50"]),
        ("D05", &["D05"]),
    ];
    for (pattern_text, expected) in cases {
        assert_eq!(
            pattern(pattern_text).categories(),
            expected,
            "categories of {pattern_text}"
        );
    }
}

#[test]
fn patterns_overlap_when_some_code_falls_under_both() {
    let cases = [
        ("C34", "C34", true),
        ("C34", "C341", true),
        ("C34", "C33-C34", true),
        ("C34", "C35", false),
        ("C34", "C50", false),
        ("C91", "C910", true),
        ("C910", "C911", false),
        ("C18-C20", "C19", true),
        ("C18-C20", "C199", true),
        ("C18-C20", "C21", false),
        ("C18-C20", "C20-C22", true),
        ("C18-C20", "C21-C22", false),
        ("C32-C33", "C33-C34", true),
        ("C924-C926", "C92", true),
        ("C924-C926", "C925", true),
        ("C924-C926", "C920", false),
        ("C924-C926", "C93", false),
        ("C00-C97", "D05", false),
        ("C50", "D50", false),
    ];
    for (a, b, expected) in cases {
        for (first, second) in [(a, b), (b, a)] {
            assert_eq!(
                pattern(first).overlaps(&pattern(second)),
                expected,
                "{first} overlaps {second}"
            );
        }
    }
}

#[test]
fn a_pattern_covers_another_when_every_code_of_the_other_falls_under_it() {
    let cases = [
        ("C34", "C34", true),
        ("C34", "C341", true),
        ("C341", "C34", false),
        ("C00-C97", "C33-C34", true),
        ("C33-C34", "C34", true),
        ("C34", "C33-C34", false),
        ("C30-C39", "C33-C34", true),
        ("C32-C33", "C33-C34", false),
        ("C91", "C910", true),
        ("C92", "C924-C926", true),
        ("C920-C925", "C924-C926", false),
        ("C924-C926", "C925", true),
        ("C924-C926", "C92", false),
        ("C18-C20", "C19", true),
        ("C18-C20", "C21", false),
        ("C50", "D50", false),
    ];
    for (outer, inner, expected) in cases {
        assert_eq!(
            pattern(outer).covers(&pattern(inner)),
            expected,
            "{outer} covers {inner}"
        );
    }
}

#[test]
fn a_pattern_that_covers_another_overlaps_it_and_matches_its_codes() {
    let patterns = [
        "C34",
        "C341",
        "C33-C34",
        "C00-C97",
        "C91",
        "C910",
        "C924-C926",
        "C92",
        "C50",
        "D05",
    ];
    let codes = [
        "C34", "C341", "C33", "C910", "C911", "C925", "C92", "C509", "D05",
    ];
    for outer in patterns {
        for inner in patterns {
            let (outer_pattern, inner_pattern) = (pattern(outer), pattern(inner));
            if !outer_pattern.covers(&inner_pattern) {
                continue;
            }
            assert!(
                outer_pattern.overlaps(&inner_pattern),
                "{outer} covers {inner}, so they overlap"
            );
            for text in codes {
                if inner_pattern.matches(&code(text)) {
                    assert!(
                        outer_pattern.matches(&code(text)),
                        "{outer} covers {inner}, which matches {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn head_len_is_the_match_length_of_every_code_a_pattern_matches() {
    let cases = [("C50", 3), ("C509", 4), ("C18-C20", 3), ("C924-C926", 4)];
    for (text, len) in cases {
        assert_eq!(pattern(text).head_len(), len, "head length of {text}");
    }
}

#[test]
fn hand_built_invalid_patterns_do_not_panic() {
    let broken = [
        IcdPattern::Prefix(String::new()),
        IcdPattern::Range {
            from: "C18".into(),
            to: "D20".into(),
        },
        IcdPattern::Range {
            from: "x".into(),
            to: "C2".into(),
        },
    ];
    for pattern in broken {
        let _ = pattern.categories();
        let _ = pattern.overlaps(&pattern);
        let _ = pattern.covers(&IcdPattern::Prefix("CÆ".into()));
        assert!(
            pattern.match_len(&code("D19")).unwrap_or(0) == 0,
            "{pattern:?} must not claim a real match for D19"
        );
    }
}

#[test]
fn pattern_lists_split_on_whitespace_and_commas() {
    let cases = [
        ("", ""),
        ("   ", ""),
        (" , ,", ""),
        ("C50", "C50"),
        ("C50 C18-C20", "C50 C18-C20"),
        ("C50,C18-C20", "C50 C18-C20"),
        ("DC50.9, c18 - c20\tD05", "C509 C18-C20 D05"),
        ("C18 – C20,C34", "C18-C20 C34"),
        ("C18 -C20 C34- C35", "C18-C20 C34-C35"),
    ];
    for (input, canonical) in cases {
        match IcdPatternList::parse_list(input) {
            Ok(list) => assert_eq!(list.to_string(), canonical, "canonical list of {input:?}"),
            Err(error) => panic!("{input:?} should parse but gave: {error}"),
        }
    }
}

#[test]
fn a_pattern_list_with_one_bad_entry_is_rejected_naming_it() {
    let cases = [
        ("C50 C5X", "C5X"),
        ("C18-C20, C20-C18", "C20-C18"),
        ("C18 -", "C18-"),
    ];
    for (input, culprit) in cases {
        match IcdPatternList::parse_list(input) {
            Ok(list) => panic!("{input:?} should be rejected but parsed as {list}"),
            Err(error) => assert_eq!(error.input, culprit, "culprit named for {input:?}"),
        }
    }
}

#[test]
fn a_pattern_list_matches_when_any_pattern_does_and_reports_the_best_length() {
    let list = IcdPatternList::parse_list("C18-C20 C50 C509").expect("test list is valid");
    let cases = [
        ("C509", Some(4)),
        ("C501", Some(3)),
        ("C19", Some(3)),
        ("C34", None),
    ];
    for (code_text, expected) in cases {
        let patient_code = code(code_text);
        assert_eq!(
            list.best_match_len(&patient_code),
            expected,
            "best length for {code_text}"
        );
        assert_eq!(
            list.matches(&patient_code),
            expected.is_some(),
            "match for {code_text}"
        );
    }
    assert!(!list.is_empty(), "a list of three is not empty");
    assert!(
        IcdPatternList::default().is_empty(),
        "the default list is empty"
    );
}

#[test]
fn patterns_serialize_canonically_and_refuse_invalid_text() {
    let parsed: IcdPattern = from_text("DC18 – DC20").expect("range deserializes");
    assert_eq!(capture(&parsed).ok(), Some(Captured::Str("C18-C20".into())));
    assert!(
        from_text::<IcdPattern>("C20-C18").is_err(),
        "descending range must not deserialize"
    );

    let list: IcdPatternList = from_texts(&["C50.9", "C18-C20"]).expect("list deserializes");
    let expected = Captured::Seq(vec![
        Captured::Str("C509".into()),
        Captured::Str("C18-C20".into()),
    ]);
    assert_eq!(capture(&list).ok(), Some(expected));
}
