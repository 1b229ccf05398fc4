//! Published protocols as HL7 FHIR R4 (4.0.1) resources (contract.md §9): a ResearchStudy
//! per protocol, searchset Bundles, the server's CapabilityStatement and OperationOutcome
//! errors. Only the mapping is here; `web::fhir` serves it.
//!
//! Statuses follow the R4 value set `research-study-status`, phases the code system
//! `research-study-phase` (whose codes are the registry's own), conditions are ICD-10 codings
//! (`http://hl7.org/fhir/sid/icd-10`, a range written out as its three-character categories),
//! and each department is a contained Location with its coordinates, its status and the
//! department's own recruitment status as an extension.

use dccc_matching::{IcdPattern, Phase, RecruitmentStatus, SiteStatus};
use serde_json::{json, Value};

use crate::catalogue::matcher::diagnosis_names;
use crate::catalogue::Catalogue;
use crate::db::protocols::StoredProtocol;
use crate::domain::Contact;

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of every FHIR response.
pub const FHIR_JSON: &str = "application/fhir+json";

pub const ICD10_SYSTEM: &str = "http://hl7.org/fhir/sid/icd-10";
pub const PHASE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/research-study-phase";
pub const NCT_SYSTEM: &str = "http://clinicaltrials.gov";
pub const EUDRACT_SYSTEM: &str = "https://eudract.ema.europa.eu";
pub const EU_CT_SYSTEM: &str = "https://euclinicaltrials.eu";

/// The R4 ResearchStudy status a recruitment status follows. `planned` is a study that is
/// approved and not yet recruiting.
pub fn study_status(status: RecruitmentStatus) -> &'static str {
    match status {
        RecruitmentStatus::Planned => "approved",
        RecruitmentStatus::Open => "active",
        RecruitmentStatus::TemporarilyClosed => "temporarily-closed-to-accrual",
        RecruitmentStatus::Closed => "closed-to-accrual",
        RecruitmentStatus::Completed => "completed",
        RecruitmentStatus::Withdrawn => "withdrawn",
    }
}

/// The recruitment statuses a FHIR status code stands for (none for a code the registry
/// never serves, such as `in-review`); `None` when it is no R4 ResearchStudy status.
pub fn statuses_for(code: &str) -> Option<Vec<RecruitmentStatus>> {
    const R4: [&str; 11] = [
        "active",
        "administratively-completed",
        "approved",
        "closed-to-accrual",
        "closed-to-accrual-and-intervention",
        "completed",
        "disapproved",
        "in-review",
        "temporarily-closed-to-accrual",
        "temporarily-closed-to-accrual-and-intervention",
        "withdrawn",
    ];
    R4.contains(&code).then(|| {
        RecruitmentStatus::ALL
            .into_iter()
            .filter(|s| study_status(*s) == code)
            .collect()
    })
}

/// The display of an R4 phase code.
fn phase_display(phase: Phase) -> &'static str {
    match phase {
        Phase::NotApplicable => "N/A",
        Phase::EarlyPhase1 => "Early Phase 1",
        Phase::Phase1 => "Phase 1",
        Phase::Phase1Phase2 => "Phase 1/Phase 2",
        Phase::Phase2 => "Phase 2",
        Phase::Phase2Phase3 => "Phase 2/Phase 3",
        Phase::Phase3 => "Phase 3",
        Phase::Phase4 => "Phase 4",
    }
}

/// A department's `Location.status`: open is active, planned and paused are suspended,
/// closed is inactive. The exact status travels in an extension beside it.
pub fn location_status(status: SiteStatus) -> &'static str {
    match status {
        SiteStatus::Open => "active",
        SiteStatus::Planned | SiteStatus::TemporarilyClosed => "suspended",
        SiteStatus::Closed => "inactive",
    }
}

/// An ICD-10 code as FHIR writes it: the category, a dot and the subcode (`C50.9`).
fn icd10_code(canonical: &str) -> String {
    match (canonical.get(..3), canonical.get(3..)) {
        (Some(category), Some(sub)) if !sub.is_empty() => format!("{category}.{sub}"),
        _ => canonical.to_owned(),
    }
}

/// The ICD-10 codings of a protocol's diagnoses: a prefix as its code, a range as each of
/// its categories; named where the category table names it.
pub fn condition_codings(patterns: &[IcdPattern]) -> Vec<Value> {
    let names = diagnosis_names();
    let mut codes: Vec<String> = Vec::new();
    for pattern in patterns {
        match pattern {
            IcdPattern::Prefix(prefix) => codes.push(icd10_code(prefix)),
            IcdPattern::Range { .. } => codes.extend(pattern.categories()),
        }
    }
    codes.dedup();
    codes
        .into_iter()
        .map(|code| {
            let category = code.get(..3).unwrap_or(&code);
            let display = names
                .categories
                .iter()
                .find(|n| {
                    n.code == code.replace('.', "") || (n.code == category && code.len() == 3)
                })
                .map(|n| n.name_en.clone());
            let mut coding = json!({ "system": ICD10_SYSTEM, "code": code });
            if let Some(display) = display {
                coding["display"] = Value::from(display);
            }
            json!({ "coding": [coding] })
        })
        .collect()
}

/// A contact's telecom list: e-mail and phone where given.
fn telecom(contact: &Contact) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(email) = &contact.email {
        out.push(json!({ "system": "email", "value": email.as_str(), "use": "work" }));
    }
    if let Some(phone) = &contact.phone {
        out.push(json!({ "system": "phone", "value": phone, "use": "work" }));
    }
    out
}

/// Where the registry's own definitions live (the extension for a department's status).
pub fn site_status_extension(base: &str) -> String {
    format!("{base}/fhir/StructureDefinition/site-recruitment-status")
}

/// The ResearchStudy of a published protocol. `base` is the server's address
/// (`BASE_URL`), for identifiers and links.
pub fn research_study(stored: &StoredProtocol, catalogue: &Catalogue, base: &str) -> Value {
    let p = &stored.protocol;
    let mut identifiers = vec![json!({
        "use": "usual",
        "system": format!("{base}/protokoller"),
        "value": stored.slug,
    })];
    if let Some(nct) = &p.identifiers.nct {
        identifiers.push(json!({ "use": "official", "system": NCT_SYSTEM, "value": nct.as_str() }));
    }
    if let Some(eudract) = &p.identifiers.eudract {
        identifiers.push(json!({ "system": EUDRACT_SYSTEM, "value": eudract.as_str() }));
    }
    if let Some(eu_ct) = &p.identifiers.eu_ct {
        identifiers.push(json!({ "system": EU_CT_SYSTEM, "value": eu_ct.as_str() }));
    }
    let mut contained = Vec::new();
    let mut site_refs = Vec::new();
    for (i, site) in p.sites.iter().enumerate() {
        let Some(info) = catalogue.site(&site.site) else {
            continue;
        };
        let id = format!("site-{}", i + 1);
        let mut location = json!({
            "resourceType": "Location",
            "id": id,
            "extension": [{
                "url": site_status_extension(base),
                "valueCode": site.status.as_str(),
            }],
            "identifier": [{ "system": format!("{base}/afdelinger"), "value": info.code }],
            "status": location_status(site.status),
            "name": format!("{}, {}", info.hospital, info.department),
            "address": {
                "city": info.city,
                "postalCode": info.postcode,
                "country": "DK",
            },
            "position": { "longitude": info.lon, "latitude": info.lat },
        });
        if let Some(contact) = &site.contact {
            let telecom = telecom(contact);
            if !telecom.is_empty() {
                location["telecom"] = Value::Array(telecom);
            }
        }
        contained.push(location);
        site_refs.push(json!({ "reference": format!("#{id}") }));
    }
    let mut study = json!({
        "resourceType": "ResearchStudy",
        "id": stored.slug,
        "meta": {
            "lastUpdated": stored.updated_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        "identifier": identifiers,
        "title": p.title(false),
        "status": study_status(p.recruitment_status),
        "phase": {
            "coding": [{
                "system": PHASE_SYSTEM,
                "code": p.phase.as_str(),
                "display": phase_display(p.phase),
            }]
        },
        "relatedArtifact": [{
            "type": "documentation",
            "label": "DCCC",
            "url": format!("{base}/protokoller/{}", stored.slug),
        }],
    });
    if !contained.is_empty() {
        study["contained"] = Value::Array(contained);
        study["site"] = Value::Array(site_refs);
    }
    let conditions = condition_codings(&p.eligibility.diagnoses.0);
    if !conditions.is_empty() {
        study["condition"] = Value::Array(conditions);
    }
    let dmcg_name = catalogue
        .dmcg(&p.dmcg)
        .map_or(p.dmcg.as_str(), |d| d.name_da.as_str());
    study["category"] = json!([{
        "coding": [{
            "system": format!("{base}/fhir/CodeSystem/dmcg"),
            "code": p.dmcg,
            "display": dmcg_name,
        }],
        "text": format!("DMCG: {}", p.dmcg),
    }]);
    if !p.keywords.is_empty() {
        study["keyword"] = Value::Array(p.keywords.iter().map(|k| json!({ "text": k })).collect());
    }
    if let Some(summary) = p.summary_da.as_ref().or(p.summary_en.as_ref()) {
        study["description"] = Value::from(summary.as_str());
    }
    if p.opened_on.is_some() || p.closes_on.is_some() {
        let mut period = json!({});
        if let Some(start) = p.opened_on {
            period["start"] = Value::from(start.to_string());
        }
        if let Some(end) = p.closes_on {
            period["end"] = Value::from(end.to_string());
        }
        study["period"] = period;
    }
    let contact_telecom = telecom(&p.contact);
    if p.contact.name.is_some() || !contact_telecom.is_empty() {
        let mut contact = json!({});
        if let Some(name) = &p.contact.name {
            contact["name"] = Value::from(name.as_str());
        }
        if !contact_telecom.is_empty() {
            contact["telecom"] = Value::Array(contact_telecom);
        }
        study["contact"] = json!([contact]);
    }
    if let Some(sponsor) = &p.sponsor {
        // A contained Organization: the sponsor is named, not registered here.
        let organization =
            json!({ "resourceType": "Organization", "id": "sponsor", "name": sponsor });
        match study["contained"].as_array_mut() {
            Some(list) => list.push(organization),
            None => study["contained"] = json!([organization]),
        }
        study["sponsor"] = json!({ "reference": "#sponsor", "display": sponsor });
    }
    study
}

/// A searchset Bundle of one page of studies, with its paging links.
pub fn search_bundle(
    studies: Vec<Value>,
    total: usize,
    links: &[(&str, String)],
    base: &str,
) -> Value {
    let entries: Vec<Value> = studies
        .into_iter()
        .map(|study| {
            let id = study["id"].as_str().unwrap_or_default().to_owned();
            json!({
                "fullUrl": format!("{base}/fhir/ResearchStudy/{id}"),
                "resource": study,
                "search": { "mode": "match" },
            })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links
            .iter()
            .map(|(relation, url)| json!({ "relation": relation, "url": url }))
            .collect::<Vec<_>>(),
        "entry": entries,
    })
}

/// The search parameters of ResearchStudy, with their FHIR types and what they do.
pub const SEARCH_PARAMS: [(&str, &str, &str); 4] = [
    (
        "status",
        "token",
        "R4 ResearchStudy status (active, approved, temporarily-closed-to-accrual, closed-to-accrual, completed, withdrawn); comma-separated for OR",
    ),
    (
        "condition",
        "token",
        "An ICD-10 code or category (C50, C50.9; optionally http://hl7.org/fhir/sid/icd-10|C50): studies whose conditions overlap it; comma-separated for OR",
    ),
    (
        "phase",
        "token",
        "An R4 research-study-phase code (phase-3, phase-1-phase-2, ...); comma-separated for OR",
    ),
    ("_count", "number", "Studies per page, 1-100 (default 20)"),
];

/// What the server can do.
pub fn capability_statement(base: &str, date: &str) -> Value {
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "DCCC (Danish Comprehensive Cancer Center)",
        "kind": "instance",
        "software": { "name": "dccc-registry", "version": env!("CARGO_PKG_VERSION") },
        "implementation": {
            "description": "DCCC national registry of cancer trial protocols",
            "url": format!("{base}/fhir"),
        },
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [{
            "mode": "server",
            "documentation": "Read-only and public: published protocols as ResearchStudy.",
            "resource": [{
                "type": "ResearchStudy",
                "interaction": [{ "code": "read" }, { "code": "search-type" }],
                "searchParam": SEARCH_PARAMS
                    .iter()
                    .map(|(name, kind, doc)| json!({ "name": name, "type": kind, "documentation": doc }))
                    .collect::<Vec<_>>(),
            }],
        }],
    })
}

/// An OperationOutcome with one issue (`code` from the R4 issue-type value set).
pub fn operation_outcome(severity: &str, code: &str, diagnostics: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": severity, "code": code, "diagnostics": diagnostics }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recruitment_status_maps_to_an_r4_status_that_maps_back() {
        for status in RecruitmentStatus::ALL {
            let code = study_status(status);
            assert_eq!(statuses_for(code), Some(vec![status]), "{code}");
        }
        assert_eq!(statuses_for("in-review"), Some(vec![]));
        assert_eq!(statuses_for("open"), None);
    }

    #[test]
    fn the_status_table_is_the_one_documented() {
        let table = [
            (RecruitmentStatus::Planned, "approved"),
            (RecruitmentStatus::Open, "active"),
            (
                RecruitmentStatus::TemporarilyClosed,
                "temporarily-closed-to-accrual",
            ),
            (RecruitmentStatus::Closed, "closed-to-accrual"),
            (RecruitmentStatus::Completed, "completed"),
            (RecruitmentStatus::Withdrawn, "withdrawn"),
        ];
        for (status, code) in table {
            assert_eq!(study_status(status), code, "{status:?}");
        }
    }

    #[test]
    fn phases_are_the_r4_codes_with_their_displays() {
        let table = [
            (Phase::NotApplicable, "n-a", "N/A"),
            (Phase::EarlyPhase1, "early-phase-1", "Early Phase 1"),
            (Phase::Phase1, "phase-1", "Phase 1"),
            (Phase::Phase1Phase2, "phase-1-phase-2", "Phase 1/Phase 2"),
            (Phase::Phase2, "phase-2", "Phase 2"),
            (Phase::Phase2Phase3, "phase-2-phase-3", "Phase 2/Phase 3"),
            (Phase::Phase3, "phase-3", "Phase 3"),
            (Phase::Phase4, "phase-4", "Phase 4"),
        ];
        assert_eq!(table.len(), Phase::ALL.len());
        for (phase, code, display) in table {
            assert_eq!(phase.as_str(), code);
            assert_eq!(phase_display(phase), display);
        }
    }

    #[test]
    fn department_statuses_map_to_location_statuses() {
        let table = [
            (SiteStatus::Open, "active"),
            (SiteStatus::Planned, "suspended"),
            (SiteStatus::TemporarilyClosed, "suspended"),
            (SiteStatus::Closed, "inactive"),
        ];
        assert_eq!(table.len(), SiteStatus::ALL.len());
        for (status, code) in table {
            assert_eq!(location_status(status), code, "{status:?}");
        }
    }

    #[test]
    fn conditions_are_icd10_codings_with_ranges_written_out() {
        let patterns = dccc_matching::IcdPatternList::parse_list("C50.9, C33-C34, C18")
            .expect("patterns")
            .0;
        let codes: Vec<String> = condition_codings(&patterns)
            .iter()
            .map(|c| {
                assert_eq!(c["coding"][0]["system"], ICD10_SYSTEM);
                c["coding"][0]["code"].as_str().expect("code").to_owned()
            })
            .collect();
        assert_eq!(codes, ["C50.9", "C33", "C34", "C18"]);
    }
}
