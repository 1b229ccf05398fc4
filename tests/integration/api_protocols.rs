//! `GET /api/v1/protocols` and `/api/v1/protocols/{slug}` against the fixture corpus.

use crate::helpers::{acronyms, content_type, excel_rows, spawn_app, Data, FIXTURE};
use dccc_registry::domain::ProtocolDoc;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn strings(items: &[&str]) -> Vec<String> {
    sorted(items.iter().map(|s| (*s).to_owned()).collect())
}

#[tokio::test]
async fn structured_filters_select_the_expected_protocols() {
    let app = spawn_app(Data::Fixture).await;
    let cases: &[(&str, &[&str])] = &[
        (
            "",
            &[
                "DBCG TEST-ALL5",
                "DLCG TEST-NORD",
                "DCCG TEST-SYD",
                "DAPHO TEST-NMBK",
                "DaProCa TEST-MID",
            ],
        ),
        (
            "status=all",
            &[
                "DBCG TEST-ALL5",
                "DLCG TEST-NORD",
                "DCCG TEST-SYD",
                "DCCG TEST-CLOSED",
                "DAPHO TEST-NMBK",
                "DMG TEST-PLANNED",
                "DaProCa TEST-MID",
                "DLG TEST-NOSITE",
            ],
        ),
        ("status=planned", &["DMG TEST-PLANNED"]),
        (
            "status=closed&status=planned",
            &["DCCG TEST-CLOSED", "DMG TEST-PLANNED"],
        ),
        ("region=1081", &["DBCG TEST-ALL5", "DLCG TEST-NORD"]),
        (
            "region=1081&region=1083",
            &["DBCG TEST-ALL5", "DLCG TEST-NORD", "DCCG TEST-SYD"],
        ),
        ("region=1081&phase=phase-2", &["DLCG TEST-NORD"]),
        (
            "dmcg=DCCG&dmcg=DLCG&status=all",
            &["DCCG TEST-SYD", "DCCG TEST-CLOSED", "DLCG TEST-NORD"],
        ),
        ("paediatric=true", &["DAPHO TEST-NMBK"]),
        (
            "paediatric=false",
            &[
                "DBCG TEST-ALL5",
                "DLCG TEST-NORD",
                "DCCG TEST-SYD",
                "DaProCa TEST-MID",
            ],
        ),
        ("age=10", &["DAPHO TEST-NMBK"]),
        (
            "age=95",
            &["DBCG TEST-ALL5", "DLCG TEST-NORD", "DCCG TEST-SYD"],
        ),
        (
            "sex=male",
            &[
                "DLCG TEST-NORD",
                "DCCG TEST-SYD",
                "DAPHO TEST-NMBK",
                "DaProCa TEST-MID",
            ],
        ),
        ("site=AUH-ONK", &["DBCG TEST-ALL5", "DaProCa TEST-MID"]),
        (
            "site=AUH-ONK&status=all",
            &["DBCG TEST-ALL5", "DaProCa TEST-MID", "DCCG TEST-CLOSED"],
        ),
        ("phase=phase-3&region=1084", &["DBCG TEST-ALL5"]),
        // A trial that is not open is found where it had departments at all.
        ("region=1082&status=closed", &["DCCG TEST-CLOSED"]),
        ("region=1081&status=closed", &[]),
    ];
    for (query, expected) in cases {
        let (status, body) = app.get_json(&format!("/api/v1/protocols?{query}")).await;
        assert_eq!(status, 200, "status for ?{query}: {body}");
        assert_eq!(
            sorted(acronyms(&body)),
            strings(expected),
            "protocols for ?{query}"
        );
        assert_eq!(body["total"], expected.len(), "total for ?{query}");
    }
}

#[tokio::test]
async fn items_carry_the_contract_fields_and_facets_count_the_result() {
    let app = spawn_app(Data::Fixture).await;
    let (_, body) = app.get_json("/api/v1/protocols").await;
    let item = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["acronym"] == "DBCG TEST-ALL5")
        .expect("DBCG");
    for field in [
        "slug",
        "acronym",
        "title_da",
        "title_en",
        "dmcg",
        "phase",
        "recruitment_status",
        "regions_open",
        "url",
    ] {
        assert!(item.get(field).is_some(), "item has {field}: {item}");
    }
    assert_eq!(
        item["regions_open"],
        serde_json::json!([1081, 1082, 1083, 1084, 1085])
    );
    assert_eq!(item["url"], "/protokoller/dbcg-test-all5");
    assert!(
        item.get("nearest_site").is_none(),
        "no nearest_site without a postcode"
    );
    let dmcg_total: u64 = body["facets"]["dmcg"]
        .as_object()
        .expect("dmcg facet")
        .values()
        .filter_map(|v| v.as_u64())
        .sum();
    assert_eq!(dmcg_total, 5);
    assert_eq!(
        body["facets"]["region"]["1084"], 2,
        "DBCG and DAPHO are open in the capital region"
    );
    assert_eq!(body["facets"]["phase"]["phase-2"], 2);
}

#[tokio::test]
async fn pages_partition_the_result_and_keep_the_total() {
    let app = spawn_app(Data::Fixture).await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (status, body) = app
            .get_json(&format!("/api/v1/protocols?per_page=2&page={page}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["total"], 5);
        assert_eq!(body["page"], page);
        assert_eq!(body["per_page"], 2);
        let items = acronyms(&body);
        assert_eq!(items.len(), if page < 3 { 2 } else { 1 }, "page {page}");
        seen.extend(items);
    }
    let (_, all) = app.get_json("/api/v1/protocols").await;
    assert_eq!(seen, acronyms(&all), "pages in order give the whole list");
    let (_, beyond) = app.get_json("/api/v1/protocols?per_page=2&page=9").await;
    assert!(acronyms(&beyond).is_empty());
}

#[tokio::test]
async fn a_postcode_sorts_by_distance_to_the_nearest_open_department() {
    let app = spawn_app(Data::Fixture).await;
    let (status, body) = app.get_json("/api/v1/protocols?postcode=9000").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().expect("items");
    let distances: Vec<f64> = items
        .iter()
        .map(|i| i["nearest_site"]["distance_km"].as_f64().expect("distance"))
        .collect();
    assert!(
        distances.windows(2).all(|w| w[0] <= w[1]),
        "sorted by distance: {distances:?}"
    );
    assert_eq!(items[0]["nearest_site"]["code"], "AAUH-ONK");
    assert_eq!(items[0]["nearest_site"]["region"], 1081);
    assert_eq!(
        acronyms(&body)[..2],
        ["DBCG TEST-ALL5", "DLCG TEST-NORD"],
        "equal distances fall back to acronym order"
    );
    let dapho = items
        .iter()
        .find(|i| i["acronym"] == "DAPHO TEST-NMBK")
        .expect("DAPHO");
    assert_eq!(dapho["nearest_site"]["code"], "RH-NMBK");
    assert!(dapho["nearest_site"]["distance_km"].as_f64().expect("km") > 200.0);

    let (_, near) = app
        .get_json("/api/v1/protocols?postcode=9000&max_km=50")
        .await;
    assert_eq!(acronyms(&near), ["DBCG TEST-ALL5", "DLCG TEST-NORD"]);
}

#[tokio::test]
async fn bad_parameters_give_a_400_naming_the_parameter() {
    let app = spawn_app(Data::Fixture).await;
    let cases = [
        ("phase=banana", "phase"),
        ("age=-3", "age"),
        ("age=121", "age"),
        ("age=ten", "age"),
        ("postcode=12", "postcode"),
        ("postcode=0900", "postcode"),
        ("postcode=9999", "postcode"),
        ("region=1099", "region"),
        ("region=Hovedstaden", "region"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("paediatric=maybe", "paediatric"),
        ("max_km=50", "max_km"),
        ("postcode=8000&max_km=-1", "max_km"),
        ("status=banana", "status"),
        ("sex=x", "sex"),
        ("dmcg=NOPE", "dmcg"),
        ("site=NOPE", "site"),
        ("colour=blue", "colour"),
        ("page=1&page=2", "page"),
    ];
    for (query, param) in cases {
        let (status, body) = app.get_json(&format!("/api/v1/protocols?{query}")).await;
        assert_eq!(status, 400, "status for ?{query}: {body}");
        assert_eq!(body["error"]["field"], param, "field for ?{query}: {body}");
        assert_eq!(
            body["error"]["code"], "invalid_parameter",
            "code for ?{query}"
        );
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.starts_with(param),
            "message names {param}: {message}"
        );
    }
}

#[tokio::test]
async fn one_protocol_is_returned_in_the_interchange_format_with_every_field() {
    let app = spawn_app(Data::Fixture).await;
    let (status, body) = app.get_json("/api/v1/protocols/dbcg-test-all5").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["slug"], "dbcg-test-all5");
    assert_eq!(body["url"], "/protokoller/dbcg-test-all5");
    assert_eq!(body["review_status"], "published");
    assert!(body["updated_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(body["last_confirmed_at"].is_string());
    let fixture: Vec<ProtocolDoc> = serde_json::from_str(FIXTURE).expect("fixture");
    let expected = fixture
        .into_iter()
        .find(|d| d.acronym.as_deref() == Some("DBCG TEST-ALL5"))
        .expect("in fixture");
    let mut doc = body.clone();
    for added in [
        "slug",
        "url",
        "review_status",
        "updated_at",
        "last_confirmed_at",
    ] {
        doc.as_object_mut().expect("object").remove(added);
    }
    let returned: ProtocolDoc = serde_json::from_value(doc).expect("interchange format");
    assert_eq!(returned, expected);
}

#[tokio::test]
async fn unknown_protocols_and_endpoints_give_json_404s() {
    let app = spawn_app(Data::Fixture).await;
    for path in [
        "/api/v1/protocols/no-such-trial",
        "/api/v1/nothing",
        "/api/v1/reference/planets",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn the_list_as_csv_holds_every_filtered_protocol_for_danish_excel() {
    let app = spawn_app(Data::Fixture).await;
    let (_, json) = app
        .get_json("/api/v1/protocols?status=all&per_page=100")
        .await;
    let response = app.get("/api/v1/protocols.csv?status=all&per_page=1").await;
    assert_eq!(response.status().as_u16(), 200);
    let kind = content_type(&response);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let (header, rows) = excel_rows(&response.bytes().await.expect("body"));
    assert_eq!(&header[..3], ["slug", "acronym", "title_da"]);
    assert_eq!(
        rows.len() as u64,
        json["total"].as_u64().expect("total"),
        "every protocol the filters admit, not one page"
    );
    // The list's filters, and with a postcode the nearest department with a decimal comma.
    let response = app
        .get("/api/v1/protocols.csv?dmcg=DLCG&postcode=8000")
        .await;
    let (header, rows) = excel_rows(&response.bytes().await.expect("body"));
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(&row[at("dmcg")], "DLCG");
        let km = &row[at("distance_km")];
        assert!(
            km.is_empty() || (km.contains(',') && !km.contains('.')),
            "{km}"
        );
    }
    // A bad filter is the API's JSON error naming it.
    let (status, body) = app.get_json("/api/v1/protocols.csv?region=9").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["field"], "region", "{body}");
}
