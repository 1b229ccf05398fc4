//! `POST /api/v1/match/batch`: an MDT conference's case list in one request, each case
//! answered exactly as `POST /api/v1/match` answers it, all or nothing on refusal with every
//! refused case named.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Data};

/// Forty varied cases: diagnoses, ages, settings, postcodes.
pub fn cases() -> Vec<Value> {
    let diagnoses = [
        "C50.9",
        "C34.1",
        "C18.7",
        "C61",
        "C91.0",
        "C43",
        "lungekræft",
        "C25",
    ];
    let settings = [None, Some("metastatic"), Some("adjuvant"), Some("relapsed")];
    let postcodes = [None, Some("8000"), Some("2100"), Some("9000"), Some("5000")];
    (0..40)
        .map(|i| {
            let mut profile = json!({
                "age": 5 + (i * 7) % 85,
                "diagnosis": diagnoses[i % diagnoses.len()],
            });
            if let Some(s) = settings[i % settings.len()] {
                profile["setting"] = s.into();
            }
            if let Some(p) = postcodes[i % postcodes.len()] {
                profile["postcode"] = p.into();
            }
            if i % 3 == 0 {
                profile["ecog"] = (i % 3).into();
            }
            json!({ "ref": format!("K{:02}", i + 1), "profile": profile })
        })
        .collect()
}

#[tokio::test]
async fn a_forty_case_list_is_matched_in_one_post_each_case_as_the_single_match() {
    let app = spawn_app(Data::Demo).await;
    let list = cases();
    for query in ["", "?include_ineligible=true"] {
        let (status, body) = app
            .post_json(
                &format!("/api/v1/match/batch{query}"),
                &json!({ "cases": list }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let results = body["results"].as_array().expect("results");
        assert_eq!(results.len(), 40);
        let mut with_proposals = 0;
        for (case, result) in list.iter().zip(results) {
            assert_eq!(result["ref"], case["ref"], "in the order given");
            let (status, single) = app
                .post_json(&format!("/api/v1/match{query}"), &case["profile"])
                .await;
            assert_eq!(status, 200);
            assert_eq!(result["match"], single, "{}", case["ref"]);
            if !single["results"].as_array().expect("results").is_empty() {
                with_proposals += 1;
            }
        }
        assert!(
            with_proposals >= 20,
            "the list reaches many trials: {with_proposals}"
        );
    }
}

#[tokio::test]
async fn a_refused_case_refuses_the_list_naming_every_refused_case_and_field() {
    let app = spawn_app(Data::Demo).await;
    let mut list = cases();
    list[1]["profile"]["age"] = json!(130);
    list[4]["profile"]["diagnosis"] = json!("not a diagnosis");
    list[6]["ref"] = json!("");
    let (status, body) = app
        .post_json("/api/v1/match/batch", &json!({ "cases": list }))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "cases[1].profile.age");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [
            "cases[1].profile.age",
            "cases[4].profile.diagnosis",
            "cases[6].ref"
        ]
    );
    assert_eq!(body["errors"][0]["ref"], "K02");
    assert!(body.get("results").is_none(), "no case is matched");

    // A CPR number as a reference is refused without being repeated.
    let mut list = cases();
    list[3]["ref"] = json!("010190-1234");
    let (status, body) = app
        .post_json("/api/v1/match/batch", &json!({ "cases": list }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "cpr_refused");
    assert_eq!(body["error"]["field"], "cases[3].ref");
    assert!(!body.to_string().contains("010190"), "{body}");

    for (bad, field) in [
        (json!({ "cases": [] }), "cases"),
        (
            json!({ "cases": (0..51).map(|i| json!({"ref": format!("K{i}"), "profile": {"age": 50, "diagnosis": "C50"}})).collect::<Vec<_>>() }),
            "cases",
        ),
        (json!({ "cases": [{"ref": "K1"}] }), "cases[0]"),
        (json!({ "cases": [], "extra": 1 }), "extra"),
        (json!([1, 2]), "body"),
    ] {
        let (status, body) = app.post_json("/api/v1/match/batch", &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"]["field"]
                .as_str()
                .is_some_and(|f| f.starts_with(field)),
            "{bad}: {body}"
        );
    }
}

#[tokio::test]
async fn with_a_limit_each_case_keeps_its_best_results_and_says_how_many_there_were() {
    let app = spawn_app(Data::Demo).await;
    let list = cases();
    let (status, full) = app
        .post_json("/api/v1/match/batch", &json!({ "cases": list }))
        .await;
    assert_eq!(status, 200);
    let (status, best) = app
        .post_json("/api/v1/match/batch?limit=2", &json!({ "cases": list }))
        .await;
    assert_eq!(status, 200, "{best}");
    let mut cut = 0;
    for (whole, kept) in full["results"]
        .as_array()
        .expect("results")
        .iter()
        .zip(best["results"].as_array().expect("results"))
    {
        let all = whole["match"]["results"].as_array().expect("results");
        let first = kept["match"]["results"].as_array().expect("results");
        assert_eq!(
            first.as_slice(),
            &all[..all.len().min(2)],
            "{}",
            kept["ref"]
        );
        assert_eq!(kept["match"]["results_total"], json!(all.len()));
        assert_eq!(kept["match"]["pathways"], whole["match"]["pathways"]);
        assert!(
            whole["match"].get("results_total").is_none(),
            "only with a limit"
        );
        if all.len() > 2 {
            cut += 1;
        }
    }
    assert!(cut > 0, "some case had more than two results");
    for bad in ["0", "201", "01", "+5", "two", ""] {
        let (status, body) = app
            .post_json(
                &format!("/api/v1/match/batch?limit={bad}"),
                &json!({ "cases": list }),
            )
            .await;
        assert_eq!(status, 400, "limit={bad}");
        assert_eq!(body["error"]["field"], "limit", "limit={bad}");
    }
}

#[tokio::test]
async fn a_case_with_more_than_two_hundred_results_keeps_its_best_two_hundred_and_says_so() {
    let app = spawn_app(Data::Corpus(crate::helpers::breast_trials(205))).await;
    let profile = json!({ "age": 60, "diagnosis": "C50.9" });
    let (status, single) = app.post_json("/api/v1/match", &profile).await;
    assert_eq!(status, 200);
    let all = single["results"].as_array().expect("results");
    assert_eq!(all.len(), 205, "the single match answers in full");
    let list = json!({ "cases": [{ "ref": "K1", "profile": profile }] });
    let (status, body) = app.post_json("/api/v1/match/batch", &list).await;
    assert_eq!(status, 200);
    let answer = &body["results"][0]["match"];
    let kept = answer["results"].as_array().expect("results");
    assert_eq!(
        kept.as_slice(),
        &all[..200],
        "the best two hundred, in order"
    );
    assert_eq!(answer["results_total"], json!(205));
}
