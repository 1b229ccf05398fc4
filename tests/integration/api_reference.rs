//! `GET /api/v1/reference/...`: every code of the reference files, exactly.

use crate::helpers::{spawn_app, Data};

fn codes_in(csv: &str) -> Vec<String> {
    let mut codes: Vec<String> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap_or("").to_owned())
        .collect();
    codes.sort();
    codes
}

fn codes_of(body: &serde_json::Value, key: &str) -> Vec<String> {
    let mut codes: Vec<String> = body
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v[key].as_str().expect("code").to_owned())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn reference_lists_hold_every_code_of_the_seed_files() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        ("sites", "code", include_str!("../../seed/sites.csv")),
        ("dmcgs", "acronym", include_str!("../../seed/dmcgs.csv")),
        ("pathways", "code", include_str!("../../seed/pathways.csv")),
    ];
    for (kind, key, csv) in cases {
        let (status, body) = app.get_json(&format!("/api/v1/reference/{kind}")).await;
        assert_eq!(status, 200, "{kind}");
        assert_eq!(codes_of(&body, key), codes_in(csv), "codes of {kind}");
    }
    let (_, regions) = app.get_json("/api/v1/reference/regions").await;
    let codes: Vec<i64> = regions
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["code"].as_i64())
        .collect();
    assert_eq!(codes, [1081, 1082, 1083, 1084, 1085]);
    let (_, dmcgs) = app.get_json("/api/v1/reference/dmcgs").await;
    let dccg = dmcgs
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["acronym"] == "DCCG")
        .expect("DCCG");
    assert_eq!(dccg["icd10"], serde_json::json!(["C18-C20"]));
}
