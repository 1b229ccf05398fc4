use super::*;

fn reference() -> OfferTables {
    let mut r = OfferTables {
        sites: [("AUH-ONK".to_owned(), Region::Midtjylland)].into(),
        dmcgs: vec!["DBCG".into(), "DLCG".into()],
        postcodes: [
            ("8000".to_owned(), Region::Midtjylland),
            ("2100".to_owned(), Region::Hovedstaden),
        ]
        .into(),
        protocols: HashMap::new(),
        today: NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid"),
    };
    r.add_protocol("dbcg-rt-natural", "DBCG RT Natural");
    r
}

fn offered() -> OfferInput {
    OfferInput {
        decision_date: "2026-03-15".into(),
        site: "AUH-ONK".into(),
        dmcg: "DBCG".into(),
        patient_ref: "MDT-2026-0042".into(),
        age: "67".into(),
        sex: "female".into(),
        residence_postcode: "2100".into(),
        mdt_level: "regional".into(),
        offered: "yes".into(),
        protocol: "DBCG RT Natural".into(),
        outcome: "included".into(),
        outcome_date: "2026-04-01".into(),
        ..OfferInput::default()
    }
}

fn not_offered() -> OfferInput {
    OfferInput {
        offered: "no".into(),
        protocol: String::new(),
        outcome: String::new(),
        outcome_date: String::new(),
        not_offered_reason: "no_relevant_protocol".into(),
        ..offered()
    }
}

#[test]
fn a_valid_offer_becomes_a_record_without_age_or_postcode() {
    let record = offered().validate(&reference()).expect("valid");
    assert_eq!(record.age_band, AgeBand::Sixties);
    assert_eq!(record.residence_region, Region::Hovedstaden);
    assert_eq!(
        record.decision,
        Decision::Offered {
            protocol_slug: "dbcg-rt-natural".into(),
            protocol_acronym: "DBCG RT Natural".into(),
            outcome: OfferOutcome::Included,
            outcome_date: NaiveDate::from_ymd_opt(2026, 4, 1),
        }
    );
    let json = record.to_json().to_string();
    assert!(!json.contains("2100") && !json.contains("67"), "{json}");
}

#[test]
fn age_bands_have_inclusive_bounds() {
    for (age, band) in [
        (0, "0-17"),
        (17, "0-17"),
        (18, "18-39"),
        (39, "18-39"),
        (40, "40-59"),
        (59, "40-59"),
        (60, "60-69"),
        (69, "60-69"),
        (70, "70-79"),
        (79, "70-79"),
        (80, "80+"),
        (104, "80+"),
    ] {
        assert_eq!(AgeBand::from_age(age).as_str(), band, "age {age}");
    }
}

#[test]
fn each_invalid_field_is_reported_by_name() {
    let cases: Vec<(&str, OfferInput, &str)> = vec![
        (
            "CPR with dash",
            OfferInput {
                patient_ref: "010190-1234".into(),
                ..offered()
            },
            "patient_ref",
        ),
        (
            "CPR without dash",
            OfferInput {
                patient_ref: "0101901234".into(),
                ..offered()
            },
            "patient_ref",
        ),
        (
            "empty reference",
            OfferInput {
                patient_ref: " ".into(),
                ..offered()
            },
            "patient_ref",
        ),
        (
            "future date",
            OfferInput {
                decision_date: "2026-07-01".into(),
                ..offered()
            },
            "decision_date",
        ),
        (
            "not a date",
            OfferInput {
                decision_date: "15/3".into(),
                ..offered()
            },
            "decision_date",
        ),
        (
            "unknown site",
            OfferInput {
                site: "XX-ONK".into(),
                ..offered()
            },
            "site",
        ),
        (
            "unknown DMCG",
            OfferInput {
                dmcg: "NOPE".into(),
                ..offered()
            },
            "dmcg",
        ),
        (
            "age 300",
            OfferInput {
                age: "300".into(),
                ..offered()
            },
            "age",
        ),
        (
            "age text",
            OfferInput {
                age: "old".into(),
                ..offered()
            },
            "age",
        ),
        (
            "sex",
            OfferInput {
                sex: "x".into(),
                ..offered()
            },
            "sex",
        ),
        (
            "postcode",
            OfferInput {
                residence_postcode: "0000".into(),
                ..offered()
            },
            "residence_postcode",
        ),
        (
            "no residence",
            OfferInput {
                residence_postcode: String::new(),
                ..offered()
            },
            "residence_postcode",
        ),
        (
            "MDT level",
            OfferInput {
                mdt_level: "global".into(),
                ..offered()
            },
            "mdt_level",
        ),
        (
            "offered maybe",
            OfferInput {
                offered: "maybe".into(),
                ..offered()
            },
            "offered",
        ),
        (
            "unknown protocol",
            OfferInput {
                protocol: "NOPE 1".into(),
                ..offered()
            },
            "protocol",
        ),
        (
            "offer without protocol",
            OfferInput {
                protocol: String::new(),
                ..offered()
            },
            "protocol",
        ),
        (
            "outcome",
            OfferInput {
                outcome: "cured".into(),
                ..offered()
            },
            "outcome",
        ),
        (
            "outcome before decision",
            OfferInput {
                outcome_date: "2026-03-01".into(),
                ..offered()
            },
            "outcome_date",
        ),
        (
            "pending with a date",
            OfferInput {
                outcome: "pending".into(),
                ..offered()
            },
            "outcome_date",
        ),
        (
            "reason with an offer",
            OfferInput {
                not_offered_reason: "capacity".into(),
                ..offered()
            },
            "not_offered_reason",
        ),
        (
            "no reason",
            OfferInput {
                not_offered_reason: String::new(),
                ..not_offered()
            },
            "not_offered_reason",
        ),
        (
            "unknown reason",
            OfferInput {
                not_offered_reason: "weather".into(),
                ..not_offered()
            },
            "not_offered_reason",
        ),
        (
            "protocol without offer",
            OfferInput {
                protocol: "DBCG RT Natural".into(),
                ..not_offered()
            },
            "protocol",
        ),
        (
            "outcome without offer",
            OfferInput {
                outcome: "included".into(),
                ..not_offered()
            },
            "outcome",
        ),
        (
            "CPR in reason text",
            OfferInput {
                not_offered_reason: "other".into(),
                reason_text: "pt 010190 1234".into(),
                ..not_offered()
            },
            "reason_text",
        ),
    ];
    for (case, input, field) in cases {
        let errors = input.validate(&reference()).expect_err(case);
        assert!(
            errors.iter().any(|e| e.field == field),
            "{case}: expected an error on {field}, got {errors:?}"
        );
    }
}

#[test]
fn cpr_refusal_says_why() {
    let errors = OfferInput {
        patient_ref: "311299-9999".into(),
        ..offered()
    }
    .validate(&reference())
    .expect_err("invalid");
    assert!(errors[0].is(crate::domain::msg::CPR_REFUSED), "{errors:?}");
}

#[test]
fn lenient_forms_of_values_are_accepted() {
    let record = OfferInput {
        age: "60–69".into(),
        sex: "Kvinde".into(),
        offered: "ja".into(),
        protocol: "dbcg-rt-natural".into(),
        outcome: String::new(),
        outcome_date: String::new(),
        decision_date: "15.03.2026".into(),
        ..offered()
    }
    .validate(&reference())
    .expect("valid");
    assert_eq!(record.age_band, AgeBand::Sixties);
    assert!(matches!(
        record.decision,
        Decision::Offered {
            outcome: OfferOutcome::Pending,
            ..
        }
    ));
}

#[test]
fn a_stored_region_stands_in_for_the_postcode_when_editing() {
    let record = OfferInput {
        residence_postcode: String::new(),
        residence_region: "1083".into(),
        ..not_offered()
    }
    .validate(&reference())
    .expect("valid");
    assert_eq!(record.residence_region, Region::Syddanmark);
}

#[test]
fn annulment_needs_a_reason_without_cpr() {
    assert!(annul_reason("").is_err());
    assert!(annul_reason("Dobbeltregistrering af 010190-1234").is_err());
    assert_eq!(annul_reason(" dobbelt ").expect("valid"), "dobbelt");
}

#[test]
fn a_patient_reference_is_one_line_without_control_characters() {
    for bad in ["P-1\r\nX", "P-1\u{0}", "P\t1"] {
        let mut input = offered();
        input.patient_ref = bad.into();
        let errors = input.validate(&reference()).expect_err(bad);
        assert!(
            errors
                .iter()
                .any(|e| e.field == "patient_ref"
                    && e.message.english().contains("control characters")),
            "{bad:?}: {errors:?}"
        );
    }
}
