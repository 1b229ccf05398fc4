//! Handles `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the JSON API (contract.md
//! §7). Operations, bodies and responses are derived (utoipa) from the handlers and the types
//! they serialize; the list parameters are made from the parsers' own lists of names; the
//! values that come from reference data (DMCG acronyms, department codes, postcodes, lay
//! diagnosis groups) are filled in from the catalogue the server runs on. Outside tools
//! generate clients and fuzz the API from it (`.ci/schemathesis`), so it must say exactly what
//! is served.

use actix_web::{web, HttpRequest, HttpResponse};
use dccc_matching::{Phase, RecruitmentStatus, Sex, MAX_AGE};
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::query::{Sort, MAX_PAGE, MAX_PER_PAGE};
use crate::catalogue::{Catalogue, ProtocolQuery};
use crate::domain::schema;
use crate::web::api::params::SingleParams;
use crate::web::api::{batch, department, indicator, matching, protocols, reference};
use crate::web::error::ApiError;
use crate::web::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DCCC protokolregister / protocol registry",
        version = "1",
        description = "The public, read-only JSON API of the national registry of cancer trial \
            protocols (DCCC). Every error is `{\"error\": {\"code\", \"message\", \"field\"}}`; a value \
            that looks like a CPR number is refused (`cpr_refused`) and never repeated.",
        license(name = "CC BY 4.0 (postcode coordinates: GeoNames)", url = "https://creativecommons.org/licenses/by/4.0/"),
    ),
    paths(
        protocols::list_protocols,
        protocols::list_protocols_csv,
        protocols::show_protocol,
        matching::match_api,
        batch::match_batch,
        indicator::show_indicator,
        department::show_site,
        show_openapi,
    ),
    components(schemas(
        crate::web::error::ErrorBody,
        reference::DmcgJson,
        reference::SiteJson,
        reference::RegionJson,
        reference::PathwayJson,
    )),
    tags(
        (name = "protocols", description = "Published trial protocols"),
        (name = "matching", description = "Trials for a patient profile; nothing is stored"),
        (name = "indicator", description = "The DMCGs' indicator: share of patients offered a trial"),
        (name = "reference", description = "Reference data"),
    )
)]
struct ApiDoc;

/// How one list parameter of `/api/v1/protocols` is described: its schema (for repeatable
/// parameters, of one value) and whether it may be repeated.
struct ListParam {
    schema: Value,
    repeatable: bool,
    description: &'static str,
}

fn to_json(object: impl serde::Serialize) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    json!({ "type": "string", "enum": values.into_iter().collect::<Vec<_>>() })
}

/// The description of a parameter that [`ProtocolQuery::parse`] knows; `None` for a name it
/// does not (a test holds the two together).
fn list_param(name: &str, catalogue: &Catalogue) -> Option<ListParam> {
    let mut postcodes: Vec<&str> = catalogue.postcodes.keys().map(String::as_str).collect();
    postcodes.sort_unstable();
    let (schema, repeatable, description) = match name {
        "q" => (
            json!({ "type": "string" }),
            false,
            "Words to search for in titles, summaries, criteria, interventions and keywords, \
             in Danish or English; misspelt words are corrected. Empty means no text search.",
        ),
        "dmcg" => (
            strings(catalogue.dmcgs.iter().map(|d| d.acronym.as_str())),
            true,
            "The responsible DMCG, by acronym as in /api/v1/reference/dmcgs (also matches \
             protocols the DMCG takes part in).",
        ),
        "region" => (
            to_json(schema::region()),
            true,
            "A region (1081–1085) with an open department.",
        ),
        "site" => (
            strings(catalogue.sites.iter().map(|s| s.code.as_str())),
            true,
            "A department, by code as in /api/v1/reference/sites.",
        ),
        "phase" => (
            to_json(schema::one_of(Phase::ALLOWED)),
            true,
            "Trial phase.",
        ),
        "status" => (
            strings(RecruitmentStatus::ALLOWED.iter().copied().chain(["all"])),
            true,
            "Recruitment status; default `open` (open with an open department); `all` for \
             every status.",
        ),
        "paediatric" => (
            json!({ "type": "boolean" }),
            false,
            "`true`: protocols that admit children (under 18); `false`: protocols that admit \
             adults.",
        ),
        "age" => (
            json!({ "type": "integer", "minimum": 0, "maximum": MAX_AGE }),
            true,
            "Protocols that admit a patient of this age in whole years.",
        ),
        "sex" => (
            to_json(schema::one_of(Sex::ALLOWED)),
            true,
            "Protocols that admit this sex.",
        ),
        "postcode" => (
            strings(postcodes),
            false,
            "A Danish postcode: each item gets its nearest open department and the list is \
             nearest first.",
        ),
        "max_km" => (
            json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1000 }),
            false,
            "Leave out protocols whose nearest open department is farther (kilometres, \
             straight line). Needs `postcode`.",
        ),
        "page" => (
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1 }),
            false,
            "Page, from 1.",
        ),
        "per_page" => (
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20 }),
            false,
            "Items per page.",
        ),
        "sort" => (
            strings(Sort::ALL.iter().map(|s| s.as_str())),
            false,
            "Order: `relevance` (with `q`), `distance` (needs `postcode`), `newest` or \
             `acronym`. Default: distance with a postcode, else relevance with text, else \
             acronym.",
        ),
        "lang" => (
            strings(["da", "en"]),
            false,
            "Accepted so that a list page's address works here unchanged; the JSON is the \
             same in both.",
        ),
        _ => return None,
    };
    Some(ListParam {
        schema,
        repeatable,
        description,
    })
}

/// The query parameters of the protocol list and its CSV, in the parser's order.
fn list_parameters(catalogue: &Catalogue) -> Vec<Value> {
    ProtocolQuery::PARAMS
        .iter()
        .filter_map(|name| {
            let p = list_param(name, catalogue)?;
            let mut description = p.description.to_owned();
            let schema = if p.repeatable {
                description.push_str(" Repeat the parameter for OR.");
                json!({ "type": "array", "items": p.schema })
            } else {
                p.schema
            };
            Some(json!({
                "name": name,
                "in": "query",
                "required": false,
                "description": description,
                "schema": schema,
                "style": "form",
                "explode": true,
            }))
        })
        .collect()
}

fn indicator_parameters(catalogue: &Catalogue) -> Vec<Value> {
    indicator::PARAMS
        .iter()
        .map(|name| {
            let (schema, description) = match *name {
                "from" => (
                    json!({ "type": "string", "format": "date" }),
                    "First day (YYYY-MM-DD). Without a DCCC login, from and to must be the first \
                     and last day of a calendar quarter, half-year or year that has ended; \
                     default: the last whole year.",
                ),
                "to" => (
                    json!({ "type": "string", "format": "date" }),
                    "Last day (YYYY-MM-DD), not before `from`.",
                ),
                "by" => (
                    strings(["dmcg", "region", "residence_region", "department"]),
                    "Grouping of the rows; default dmcg.",
                ),
                _ => (
                    strings(catalogue.dmcgs.iter().map(|d| d.acronym.as_str())),
                    "Only the decisions of this DMCG.",
                ),
            };
            json!({
                "name": name, "in": "query", "required": false,
                "description": description, "schema": schema,
            })
        })
        .collect()
}

/// The error responses every operation may give, each with the contract's body.
fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
    })
}

fn reference_path(kind: &str, item: &str, summary: &str) -> Value {
    json!({
        "get": {
            "tags": ["reference"],
            "summary": summary,
            "operationId": format!("reference_{kind}"),
            "responses": {
                "200": {
                    "description": summary,
                    "content": { "application/json": { "schema": {
                        "type": "array",
                        "items": { "$ref": format!("#/components/schemas/{item}") }
                    } } }
                },
                "400": error_response("An unknown parameter: this endpoint takes none."),
            }
        }
    })
}

/// The whole document for the catalogue the server runs on.
pub fn document(catalogue: &Catalogue) -> Value {
    let mut doc = to_json(ApiDoc::openapi());
    let list = list_parameters(catalogue);
    for path in ["/api/v1/protocols", "/api/v1/protocols.csv"] {
        doc["paths"][path]["get"]["parameters"] = Value::Array(list.clone());
    }
    doc["paths"]["/api/v1/indicator"]["get"]["parameters"] =
        Value::Array(indicator_parameters(catalogue));
    // The department codes the server knows.
    if let Some(code) = doc["paths"]["/api/v1/reference/sites/{code}"]["get"]["parameters"]
        .as_array_mut()
        .and_then(|p| p.first_mut())
    {
        code["schema"] = strings(catalogue.sites.iter().map(|s| s.code.as_str()));
    }
    for (kind, item, summary) in [
        ("dmcgs", "DmcgJson", "The DMCGs"),
        ("sites", "SiteJson", "The departments"),
        ("regions", "RegionJson", "The five regions"),
        ("pathways", "PathwayJson", "The referral routes"),
    ] {
        doc["paths"][format!("/api/v1/reference/{kind}")] = reference_path(kind, item, summary);
    }
    // The interchange format refuses unknown fields when it is read; served, it carries the
    // API's additions (`slug`, `url`, …) beside its own.
    if let Some(fields) = doc["components"]["schemas"]["ProtocolDoc"].as_object_mut() {
        fields.remove("additionalProperties");
    }
    let profile = &mut doc["components"]["schemas"]["ProfileInput"];
    let mut postcodes: Vec<&str> = catalogue.postcodes.keys().map(String::as_str).collect();
    postcodes.sort_unstable();
    profile["properties"]["postcode"] = json!({
        "type": ["string", "null"],
        "enum": postcodes.iter().map(|p| Value::from(*p)).chain([Value::Null]).collect::<Vec<_>>(),
        "description": "The patient's postcode; results then give the nearest open department.",
    });
    // A lay group limited to children is left out: an adult's profile with it is refused.
    let lay: Vec<&str> = diagnosis_names()
        .lay
        .groups()
        .iter()
        .filter(|g| g.max_age.is_none())
        .flat_map(|g| [g.name_da.as_str(), g.name_en.as_str()])
        .collect();
    profile["properties"]["diagnosis"] = json!({
        "description": "An ICD-10 code in any accepted form (C50.9, C509, DC509), or a lay \
            diagnosis group as the patient page names it.",
        "anyOf": [
            { "type": "string", "pattern": ICD10_CODE_PATTERN },
            { "type": "string", "enum": lay },
        ]
    });
    // `max_km` needs a postcode to measure from.
    profile["if"] =
        json!({ "properties": { "max_km": { "type": "number" } }, "required": ["max_km"] });
    profile["then"] =
        json!({ "properties": { "postcode": { "type": "string" } }, "required": ["postcode"] });
    doc
}

/// An ICD-10 code as [`dccc_matching::IcdCode`] reads it: an optional SKS `D`, a letter, two
/// digits and up to four more characters, with or without a dot.
pub const ICD10_CODE_PATTERN: &str =
    "^[Dd]?[A-Za-z][0-9]{2}(\\.[A-Za-z0-9]{1,4}|[A-Za-z0-9]{0,4})$";

/// `GET /api/v1/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "reference",
    summary = "This document (OpenAPI 3.1)",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object),
        (status = 400, description = "An unknown parameter: this endpoint takes none.", body = crate::web::error::ErrorBody),
    )
)]
pub async fn show_openapi(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    SingleParams::parse(&req, &[])?;
    let catalogue = state.catalogue.get();
    Ok(HttpResponse::Ok().json(document(&catalogue)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_the_list_parser_knows_is_described() {
        let catalogue = Catalogue::default();
        for name in ProtocolQuery::PARAMS {
            assert!(list_param(name, &catalogue).is_some(), "{name}");
        }
        assert_eq!(
            list_parameters(&catalogue).len(),
            ProtocolQuery::PARAMS.len()
        );
    }

    #[test]
    fn the_code_pattern_admits_exactly_what_the_code_parser_reads() {
        let pattern = regex::Regex::new(ICD10_CODE_PATTERN).expect("the pattern compiles");
        let mut inputs: Vec<String> = [
            "C50",
            "C50.9",
            "C509",
            "DC509",
            "dc50.9",
            "D05",
            "DD05",
            "C50.1234",
            "C5",
            "C50.",
            "C50.12345",
            "C5012345",
            "5C0",
            "CC50",
            "DDC50",
            "C50-9",
            "C50.9.1",
            "Z99",
            "d",
            "",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // Every short string over a small alphabet, to reach the corners.
        let alphabet = ['C', 'D', 'd', '5', '0', '.', 'x'];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for d in alphabet {
                        inputs.push(format!("{a}{b}{c}{d}"));
                        inputs.push(format!("{a}{b}{c}{d}9"));
                    }
                }
            }
        }
        for input in inputs {
            assert_eq!(
                pattern.is_match(&input),
                input.parse::<dccc_matching::IcdCode>().is_ok(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn the_documented_limits_are_the_parsers_limits() {
        let doc = document(&Catalogue::default());
        let profile = &doc["components"]["schemas"]["ProfileInput"]["properties"];
        assert_eq!(profile["age"]["maximum"], json!(MAX_AGE));
        assert_eq!(profile["ecog"]["maximum"], json!(dccc_matching::MAX_ECOG));
        assert_eq!(
            profile["prior_lines"]["maximum"],
            json!(dccc_matching::MAX_PRIOR_LINES)
        );
        assert_eq!(doc["openapi"], json!("3.1.0"));
        let batch = &doc["components"]["schemas"]["BatchInput"]["properties"]["cases"];
        assert_eq!(batch["maxItems"], json!(batch::MAX_CASES));
        let reference = &doc["components"]["schemas"]["CaseInput"]["properties"]["ref"];
        assert_eq!(reference["maxLength"], json!(batch::MAX_REF));
        let params = doc["paths"]["/api/v1/match/batch"]["post"]["parameters"]
            .as_array()
            .expect("parameters");
        let limit = params
            .iter()
            .find(|p| p["name"] == "limit")
            .expect("limit is documented");
        assert_eq!(limit["schema"]["minimum"], json!(1));
        assert_eq!(limit["schema"]["maximum"], json!(batch::MAX_LIMIT));
    }
}
