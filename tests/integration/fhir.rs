//! The FHIR R4 interface (contract.md §9) as a FHIR client reads it: the CapabilityStatement,
//! each study's status, phase, conditions, identifiers and sites against the registry's own
//! record, the search parameters, paging through searchset Bundles, and OperationOutcome
//! refusals. (`.ci/fhir/run` validates the same answers with an outside FHIR implementation.)

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{spawn_app, Data, TestApp};

async fn fhir(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let kind = crate::helpers::content_type(&response);
    assert!(kind.starts_with("application/fhir+json"), "{path}: {kind}");
    (status, response.json().await.expect("json"))
}

/// Every study of a search, following the Bundle's `next` links.
async fn all_pages(app: &TestApp, first: &str) -> (Vec<Value>, usize) {
    let mut studies = Vec::new();
    let mut next = Some(first.to_owned());
    let mut total = 0;
    while let Some(url) = next {
        let path = url
            .strip_prefix(crate::helpers::BASE_URL)
            .unwrap_or(&url)
            .to_owned();
        let (status, bundle) = fhir(app, &path).await;
        assert_eq!(status, 200, "{path}: {bundle}");
        assert_eq!(bundle["resourceType"], "Bundle");
        assert_eq!(bundle["type"], "searchset");
        total = usize::try_from(bundle["total"].as_u64().expect("total")).expect("small");
        for entry in bundle["entry"].as_array().expect("entries") {
            assert_eq!(entry["search"]["mode"], "match");
            studies.push(entry["resource"].clone());
        }
        next = bundle["link"]
            .as_array()
            .expect("links")
            .iter()
            .find(|l| l["relation"] == "next")
            .and_then(|l| l["url"].as_str())
            .map(str::to_owned);
    }
    (studies, total)
}

fn codes(study: &Value, field: &str) -> Vec<String> {
    study[field]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|c| c["coding"][0]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_capability_statement_says_what_is_served() {
    let app = spawn_app(Data::Demo).await;
    let (status, cs) = fhir(&app, "/fhir/metadata").await;
    assert_eq!(status, 200);
    assert_eq!(cs["resourceType"], "CapabilityStatement");
    assert_eq!(cs["fhirVersion"], "4.0.1");
    assert_eq!(cs["kind"], "instance");
    let resource = &cs["rest"][0]["resource"][0];
    assert_eq!(resource["type"], "ResearchStudy");
    let params: BTreeSet<&str> = resource["searchParam"]
        .as_array()
        .expect("params")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        params,
        BTreeSet::from(["status", "condition", "phase", "_count"])
    );
}

#[tokio::test]
async fn every_study_carries_the_registrys_status_phase_identifiers_and_departments() {
    let app = spawn_app(Data::Demo).await;
    let (studies, total) = all_pages(
        &app,
        "/fhir/ResearchStudy?_count=9&status=active,approved,temporarily-closed-to-accrual,closed-to-accrual,completed,withdrawn",
    )
    .await;
    assert_eq!(studies.len(), total);
    let (_, list) = app
        .get_json("/api/v1/protocols?status=all&per_page=100")
        .await;
    assert_eq!(
        Some(total as u64),
        list["total"].as_u64(),
        "every published protocol"
    );
    let status_map = [
        ("planned", "approved"),
        ("open", "active"),
        ("temporarily-closed", "temporarily-closed-to-accrual"),
        ("closed", "closed-to-accrual"),
        ("completed", "completed"),
        ("withdrawn", "withdrawn"),
    ];
    let site_map = [
        ("open", "active"),
        ("planned", "suspended"),
        ("temporarily-closed", "suspended"),
        ("closed", "inactive"),
    ];
    let mut statuses_seen = BTreeSet::new();
    for study in &studies {
        let slug = study["id"].as_str().expect("id");
        let (_, record) = app.get_json(&format!("/api/v1/protocols/{slug}")).await;
        let registry_status = record["recruitment_status"].as_str().expect("status");
        let expected = status_map
            .iter()
            .find(|(ours, _)| *ours == registry_status)
            .map(|(_, fhir)| *fhir);
        assert_eq!(study["status"].as_str(), expected, "{slug}");
        statuses_seen.insert(registry_status.to_owned());
        let phase = &study["phase"]["coding"][0];
        assert_eq!(
            phase["system"],
            "http://terminology.hl7.org/CodeSystem/research-study-phase"
        );
        assert_eq!(phase["code"], record["phase"], "{slug}");
        if let Some(nct) = record["identifiers"]["nct"].as_str() {
            let found = study["identifier"]
                .as_array()
                .expect("identifiers")
                .iter()
                .any(|i| i["system"] == "http://clinicaltrials.gov" && i["value"] == nct);
            assert!(found, "{slug}: NCT identifier");
        }
        // Each department is a contained Location with its own status and coordinates.
        let sites = record["sites"].as_array().expect("sites");
        let refs = study["site"].as_array().map_or(0, Vec::len);
        assert_eq!(refs, sites.len(), "{slug}");
        let contained = study["contained"].as_array().cloned().unwrap_or_default();
        for (site, reference) in sites
            .iter()
            .zip(study["site"].as_array().into_iter().flatten())
        {
            let id = reference["reference"]
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
                .expect("a contained reference");
            let location = contained
                .iter()
                .find(|c| c["id"] == id)
                .expect("the Location");
            assert_eq!(location["resourceType"], "Location");
            assert_eq!(location["identifier"][0]["value"], site["site"]);
            let expected = site_map
                .iter()
                .find(|(ours, _)| Some(*ours) == site["status"].as_str())
                .map(|(_, fhir)| *fhir);
            assert_eq!(location["status"].as_str(), expected, "{slug} {id}");
            assert_eq!(location["extension"][0]["valueCode"], site["status"]);
            assert!(location["position"]["latitude"].is_number());
        }
        // Conditions are ICD-10 codings covering the protocol's diagnoses.
        for condition in study["condition"].as_array().into_iter().flatten() {
            assert_eq!(
                condition["coding"][0]["system"],
                "http://hl7.org/fhir/sid/icd-10"
            );
        }
        let diagnoses = record["eligibility"]["diagnoses"]
            .as_array()
            .expect("diagnoses");
        assert_eq!(
            diagnoses.is_empty(),
            codes(study, "condition").is_empty(),
            "{slug}"
        );
    }
    assert!(
        statuses_seen.len() >= 3,
        "the demo data has several statuses: {statuses_seen:?}"
    );
}

#[tokio::test]
async fn the_search_parameters_filter_and_pages_hold_each_study_once() {
    let app = spawn_app(Data::Demo).await;
    // status: the default list of the API is the open studies; `active` is open.
    let (active, _) = all_pages(&app, "/fhir/ResearchStudy?status=active").await;
    assert!(!active.is_empty());
    assert!(active.iter().all(|s| s["status"] == "active"));
    // phase, with OR.
    let (phased, _) = all_pages(&app, "/fhir/ResearchStudy?phase=phase-2,phase-3").await;
    assert!(!phased.is_empty());
    for study in &phased {
        let code = study["phase"]["coding"][0]["code"].as_str().expect("phase");
        assert!(["phase-2", "phase-3"].contains(&code), "{code}");
    }
    // condition: an ICD-10 code, with or without its system.
    for query in [
        "condition=C34",
        "condition=http://hl7.org/fhir/sid/icd-10%7CC34.1",
    ] {
        let (lung, _) = all_pages(&app, &format!("/fhir/ResearchStudy?{query}")).await;
        assert!(!lung.is_empty(), "{query}");
        for study in &lung {
            assert!(
                codes(study, "condition")
                    .iter()
                    .any(|c| c.starts_with("C34")),
                "{query}: {}",
                study["id"]
            );
        }
    }
    // Paging: small pages hold every study of the search exactly once.
    let (everything, total) = all_pages(&app, "/fhir/ResearchStudy?_count=50").await;
    let (paged, paged_total) = all_pages(&app, "/fhir/ResearchStudy?_count=4").await;
    assert_eq!(total, paged_total);
    assert_eq!(paged.len(), total);
    let ids = |list: &[Value]| -> BTreeSet<String> {
        list.iter()
            .map(|s| s["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&paged).len(), total, "no study on two pages");
    assert_eq!(ids(&paged), ids(&everything));
}

#[tokio::test]
async fn refusals_are_operation_outcomes() {
    let app = spawn_app(Data::Demo).await;
    for (path, status, code) in [
        ("/fhir/ResearchStudy?nonsense=1", 400, "not-supported"),
        ("/fhir/ResearchStudy?status=open", 400, "invalid"),
        ("/fhir/ResearchStudy?phase=3", 400, "invalid"),
        ("/fhir/ResearchStudy?condition=lung", 400, "invalid"),
        ("/fhir/ResearchStudy?_count=0", 400, "invalid"),
        ("/fhir/ResearchStudy?_count=101", 400, "invalid"),
        (
            "/fhir/ResearchStudy?status=active&status=completed",
            400,
            "invalid",
        ),
        ("/fhir/ResearchStudy?_format=xml", 400, "invalid"),
        ("/fhir/ResearchStudy/no-such-study", 404, "not-found"),
        ("/fhir/Patient", 404, "not-found"),
        ("/fhir/ResearchStudy?condition=0101901234", 400, "invalid"),
    ] {
        let (got, outcome) = fhir(&app, path).await;
        assert_eq!(got, status, "{path}: {outcome}");
        assert_eq!(outcome["resourceType"], "OperationOutcome", "{path}");
        assert_eq!(outcome["issue"][0]["code"], code, "{path}");
        assert!(
            !outcome.to_string().contains("0101901234"),
            "a CPR number is never repeated"
        );
    }
    let response = app
        .client
        .post(format!("{}/fhir/ResearchStudy", app.address))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET")
    );
}
