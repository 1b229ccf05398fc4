//! Protocol records in the database: saving a validated [`Protocol`] with its eligibility,
//! identifiers, biomarkers and departments, and reading records back.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use dccc_matching::{Biomarker, BiomarkerStatus, IcdPatternList};
use diesel::prelude::*;

use super::schema::{
    protocol_biomarkers as pb, protocol_eligibility as pe, protocol_identifiers as pi,
    protocol_other_dmcgs as po, protocol_sites as ps, protocols as p,
};
use super::DbConnection;
use crate::domain::{
    Contact, Eligibility, Email, EuCtNumber, EudractNumber, Identifiers, NctId, Protocol,
    ProtocolSite,
};

/// Review state of a record (domain.md lifecycles); imports are stored as published.
pub const PUBLISHED: &str = "published";

/// A record as stored, with its bookkeeping.
#[derive(Debug, Clone)]
pub struct StoredProtocol {
    pub id: i32,
    pub slug: String,
    pub review_status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_confirmed_at: Option<NaiveDateTime>,
    pub protocol: Protocol,
}

#[derive(
    Debug, Clone, Queryable, Insertable, AsChangeset, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = p)]
struct ProtocolRow {
    slug: String,
    acronym: String,
    title_da: Option<String>,
    title_en: Option<String>,
    summary_da: Option<String>,
    summary_en: Option<String>,
    dmcg: String,
    phase: String,
    recruitment_status: String,
    evidence_generating: i16,
    initiator: Option<String>,
    sponsor: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    opened_on: Option<NaiveDate>,
    closes_on: Option<NaiveDate>,
    target_enrolment: Option<i32>,
    interventions: String,
    keywords: String,
    review_status: String,
    is_demo: i16,
    updated_at: NaiveDateTime,
    last_confirmed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = pe)]
struct EligibilityRow {
    protocol_id: i32,
    age_min: Option<i32>,
    age_max: Option<i32>,
    sex: String,
    diagnoses: String,
    exclude_diagnoses: String,
    settings: String,
    stages: String,
    prior_lines_min: Option<i32>,
    prior_lines_max: Option<i32>,
    ecog_max: Option<i32>,
    criteria_text_da: Option<String>,
    criteria_text_en: Option<String>,
}

#[derive(Debug, Clone, Queryable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = ps)]
struct SiteLinkRow {
    protocol_id: i32,
    site_code: String,
    status: String,
    position: i32,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

fn join_words<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(
        format!("stored {what} is invalid: {detail}").into(),
    )
}

fn parse_words<T: std::str::FromStr>(what: &str, s: &str) -> QueryResult<Vec<T>>
where
    T::Err: std::fmt::Display,
{
    s.split_whitespace()
        .map(|w| w.parse::<T>().map_err(|e| corrupt(what, e)))
        .collect()
}

fn to_u8(what: &str, v: Option<i32>) -> QueryResult<Option<u8>> {
    v.map(|n| u8::try_from(n).map_err(|e| corrupt(what, e)))
        .transpose()
}

/// An address as stored: it passed [`Email::parse`] when it was saved, so it is not checked
/// again on every read (the check is a regular expression, and a snapshot reads 100,000s).
fn email(v: Option<String>) -> Option<Email> {
    v.map(Email::from_stored)
}

/// Saves a record as `review_status`, replacing the record with the same acronym if there is
/// one (its id, slug and creation time are kept). Returns the id. Bumps the registry version.
pub fn save_protocol(
    conn: &mut DbConnection,
    protocol: &Protocol,
    review_status: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let existing: Option<(i32, String)> = p::table
        .filter(p::acronym.eq(&protocol.acronym))
        .select((p::id, p::slug))
        .first(conn)
        .optional()?;
    store(conn, existing, protocol, review_status, now)
}

/// Replaces the published record `id` with a new version (a revision may rename the acronym;
/// the slug, the public address, stays).
pub fn replace_protocol(
    conn: &mut DbConnection,
    id: i32,
    protocol: &Protocol,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let slug: String = p::table.find(id).select(p::slug).first(conn)?;
    store(conn, Some((id, slug)), protocol, PUBLISHED, now)
}

fn store(
    conn: &mut DbConnection,
    existing: Option<(i32, String)>,
    protocol: &Protocol,
    review_status: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let slug = existing
        .as_ref()
        .map_or_else(|| protocol.slug(), |(_, s)| s.clone());
    let row = ProtocolRow {
        slug: slug.clone(),
        acronym: protocol.acronym.clone(),
        title_da: protocol.title_da.clone(),
        title_en: protocol.title_en.clone(),
        summary_da: protocol.summary_da.clone(),
        summary_en: protocol.summary_en.clone(),
        dmcg: protocol.dmcg.clone(),
        phase: protocol.phase.as_str().into(),
        recruitment_status: protocol.recruitment_status.as_str().into(),
        evidence_generating: i16::from(protocol.evidence_generating),
        initiator: protocol.initiator.map(|i| i.as_str().into()),
        sponsor: protocol.sponsor.clone(),
        contact_name: protocol.contact.name.clone(),
        contact_email: protocol.contact.email.as_ref().map(|e| e.as_str().into()),
        contact_phone: protocol.contact.phone.clone(),
        opened_on: protocol.opened_on,
        closes_on: protocol.closes_on,
        target_enrolment: protocol
            .target_enrolment
            .and_then(|n| i32::try_from(n).ok()),
        interventions: json_list(&protocol.interventions),
        keywords: json_list(&protocol.keywords),
        review_status: review_status.into(),
        is_demo: i16::from(protocol.demo),
        updated_at: now,
        last_confirmed_at: Some(now),
    };
    let id = match existing {
        Some((id, _)) => {
            diesel::update(p::table.find(id)).set(&row).execute(conn)?;
            diesel::delete(pe::table.filter(pe::protocol_id.eq(id))).execute(conn)?;
            diesel::delete(ps::table.filter(ps::protocol_id.eq(id))).execute(conn)?;
            diesel::delete(pi::table.filter(pi::protocol_id.eq(id))).execute(conn)?;
            diesel::delete(pb::table.filter(pb::protocol_id.eq(id))).execute(conn)?;
            diesel::delete(po::table.filter(po::protocol_id.eq(id))).execute(conn)?;
            id
        }
        None => {
            diesel::insert_into(p::table)
                .values((&row, p::created_at.eq(now)))
                .execute(conn)?;
            p::table
                .filter(p::slug.eq(&slug))
                .select(p::id)
                .first(conn)?
        }
    };
    insert_children(conn, id, protocol)?;
    super::status_history::record(conn, id, now)?;
    super::bump_registry_version(conn)?;
    Ok(id)
}

fn insert_children(conn: &mut DbConnection, id: i32, protocol: &Protocol) -> QueryResult<()> {
    let e = &protocol.eligibility;
    diesel::insert_into(pe::table)
        .values(EligibilityRow {
            protocol_id: id,
            age_min: e.age_min.map(i32::from),
            age_max: e.age_max.map(i32::from),
            sex: e.sex.as_str().into(),
            diagnoses: e.diagnoses.to_string(),
            exclude_diagnoses: e.exclude_diagnoses.to_string(),
            settings: join_words(&e.settings),
            stages: join_words(&e.stages),
            prior_lines_min: e.prior_lines_min.map(i32::from),
            prior_lines_max: e.prior_lines_max.map(i32::from),
            ecog_max: e.ecog_max.map(i32::from),
            criteria_text_da: protocol.criteria_text_da.clone(),
            criteria_text_en: protocol.criteria_text_en.clone(),
        })
        .execute(conn)?;
    for other in &protocol.other_dmcgs {
        diesel::insert_into(po::table)
            .values((po::protocol_id.eq(id), po::dmcg.eq(other)))
            .execute(conn)?;
    }
    let ids = &protocol.identifiers;
    let schemes = [
        ("nct", ids.nct.as_ref().map(NctId::as_str)),
        ("eudract", ids.eudract.as_ref().map(EudractNumber::as_str)),
        ("eu_ct", ids.eu_ct.as_ref().map(EuCtNumber::as_str)),
    ];
    for (scheme, value) in schemes {
        if let Some(value) = value {
            diesel::insert_into(pi::table)
                .values((
                    pi::protocol_id.eq(id),
                    pi::scheme.eq(scheme),
                    pi::value.eq(value),
                ))
                .execute(conn)?;
        }
    }
    for (excluded, list) in [(0i16, &e.biomarkers_required), (1, &e.biomarkers_excluded)] {
        for b in list {
            diesel::insert_into(pb::table)
                .values((
                    pb::protocol_id.eq(id),
                    pb::marker.eq(&b.marker),
                    pb::status.eq(b.status.as_str()),
                    pb::excluded.eq(excluded),
                ))
                .execute(conn)?;
        }
    }
    for (position, site) in protocol.sites.iter().enumerate() {
        let contact = site.contact.clone().unwrap_or_default();
        diesel::insert_into(ps::table)
            .values(SiteLinkRow {
                protocol_id: id,
                site_code: site.site.clone(),
                status: site.status.as_str().into(),
                position: i32::try_from(position).unwrap_or(i32::MAX),
                contact_name: contact.name,
                contact_email: contact.email.map(|e| e.as_str().to_owned()),
                contact_phone: contact.phone,
            })
            .execute(conn)?;
    }
    Ok(())
}

type FullRow = (i32, ProtocolRow, NaiveDateTime);

fn select_rows(
    conn: &mut DbConnection,
    ids: Option<&[i32]>,
    published_only: bool,
) -> QueryResult<Vec<FullRow>> {
    let mut query = p::table
        .select((
            p::id,
            (
                p::slug,
                p::acronym,
                p::title_da,
                p::title_en,
                p::summary_da,
                p::summary_en,
                p::dmcg,
                p::phase,
                p::recruitment_status,
                p::evidence_generating,
                p::initiator,
                p::sponsor,
                p::contact_name,
                p::contact_email,
                p::contact_phone,
                p::opened_on,
                p::closes_on,
                p::target_enrolment,
                p::interventions,
                p::keywords,
                p::review_status,
                p::is_demo,
                p::updated_at,
                p::last_confirmed_at,
            ),
            p::created_at,
        ))
        .order(p::acronym)
        .into_boxed();
    if let Some(ids) = ids {
        query = query.filter(p::id.eq_any(ids.to_vec()));
    }
    if published_only {
        query = query.filter(p::review_status.eq(PUBLISHED));
    }
    query.load(conn)
}

/// Loads records with everything attached: all of them, or those with the given ids.
pub fn load_protocols(
    conn: &mut DbConnection,
    ids: Option<&[i32]>,
    published_only: bool,
) -> QueryResult<Vec<StoredProtocol>> {
    ProtocolTables::read(conn, ids, published_only)?.assemble()
}

/// Records' rows as read from their tables, before they are put together: what the snapshot
/// file keeps between starts (`catalogue::persist`), so a start reads one file instead of six
/// tables and assembles the records from it exactly as from the database.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ProtocolTables {
    rows: Vec<FullRow>,
    eligibility: Vec<EligibilityRow>,
    sites: Vec<SiteLinkRow>,
    identifiers: Vec<(i32, String, String)>,
    biomarkers: Vec<(i32, String, String, i16)>,
    other_dmcgs: Vec<(i32, String)>,
}

impl ProtocolTables {
    /// Reads the rows of all records, or of those with the given ids.
    pub fn read(
        conn: &mut DbConnection,
        ids: Option<&[i32]>,
        published_only: bool,
    ) -> QueryResult<Self> {
        let rows = select_rows(conn, ids, published_only)?;
        // One query per child table; a filter on a handful of ids keeps single-record reads
        // cheap.
        let wanted: Option<Vec<i32>> = ids.map(|_| rows.iter().map(|r| r.0).collect());
        macro_rules! children {
            ($table:ident, $col:expr, $ty:ty) => {{
                let mut q = $table::table.into_boxed();
                if let Some(w) = &wanted {
                    q = q.filter($col.eq_any(w.clone()));
                }
                q.load::<$ty>(conn)?
            }};
        }
        Ok(Self {
            eligibility: children!(pe, pe::protocol_id, EligibilityRow),
            sites: children!(ps, ps::protocol_id, SiteLinkRow),
            identifiers: children!(pi, pi::protocol_id, (i32, String, String)),
            biomarkers: children!(pb, pb::protocol_id, (i32, String, String, i16)),
            other_dmcgs: children!(po, po::protocol_id, (i32, String)),
            rows,
        })
    }

    /// Puts each record together from its rows (in the order of the main rows: by acronym).
    pub fn assemble(self) -> QueryResult<Vec<StoredProtocol>> {
        let mut eligibility: HashMap<i32, EligibilityRow> = self
            .eligibility
            .into_iter()
            .map(|r| (r.protocol_id, r))
            .collect();
        let mut sites: HashMap<i32, Vec<SiteLinkRow>> = HashMap::new();
        for row in self.sites {
            sites.entry(row.protocol_id).or_default().push(row);
        }
        let mut identifiers: HashMap<i32, Vec<(i32, String, String)>> = HashMap::new();
        for row in self.identifiers {
            identifiers.entry(row.0).or_default().push(row);
        }
        let mut biomarkers: HashMap<i32, Vec<(i32, String, String, i16)>> = HashMap::new();
        for row in self.biomarkers {
            biomarkers.entry(row.0).or_default().push(row);
        }
        let mut others: HashMap<i32, Vec<String>> = HashMap::new();
        for (id, dmcg) in self.other_dmcgs {
            others.entry(id).or_default().push(dmcg);
        }
        self.rows
            .into_iter()
            .map(|(id, row, created_at)| {
                let mut site_rows = sites.remove(&id).unwrap_or_default();
                site_rows.sort_by_key(|s| s.position);
                assemble(
                    id,
                    row,
                    created_at,
                    eligibility.remove(&id),
                    site_rows,
                    identifiers.remove(&id).unwrap_or_default(),
                    biomarkers.remove(&id).unwrap_or_default(),
                    others.remove(&id).unwrap_or_default(),
                )
            })
            .collect()
    }
}

#[expect(clippy::too_many_arguments, reason = "one argument per child table")]
fn assemble(
    id: i32,
    row: ProtocolRow,
    created_at: NaiveDateTime,
    eligibility: Option<EligibilityRow>,
    site_rows: Vec<SiteLinkRow>,
    identifier_rows: Vec<(i32, String, String)>,
    biomarker_rows: Vec<(i32, String, String, i16)>,
    mut other_dmcgs: Vec<String>,
) -> QueryResult<StoredProtocol> {
    let e =
        eligibility.ok_or_else(|| corrupt("eligibility", format!("missing for protocol {id}")))?;
    let mut identifiers = Identifiers::default();
    for (_, scheme, value) in identifier_rows {
        match scheme.as_str() {
            "nct" => identifiers.nct = Some(NctId::parse(&value).map_err(|m| corrupt("nct", m))?),
            "eudract" => {
                identifiers.eudract =
                    Some(EudractNumber::parse(&value).map_err(|m| corrupt("eudract", m))?)
            }
            "eu_ct" => {
                identifiers.eu_ct =
                    Some(EuCtNumber::parse(&value).map_err(|m| corrupt("eu_ct", m))?)
            }
            other => return Err(corrupt("identifier scheme", other)),
        }
    }
    let mut required = Vec::new();
    let mut excluded = Vec::new();
    for (_, marker, status, is_excluded) in biomarker_rows {
        let status: BiomarkerStatus = status.parse().map_err(|e| corrupt("biomarker status", e))?;
        let b = Biomarker::new(&marker, status).map_err(|e| corrupt("biomarker", e))?;
        if is_excluded == 1 {
            excluded.push(b)
        } else {
            required.push(b)
        }
    }
    required.sort_by(|a, b| a.marker.cmp(&b.marker));
    excluded.sort_by(|a, b| a.marker.cmp(&b.marker));
    other_dmcgs.sort();
    let sites = site_rows
        .into_iter()
        .map(|s| {
            let contact = Contact {
                name: s.contact_name,
                email: email(s.contact_email),
                phone: s.contact_phone,
            };
            Ok(ProtocolSite {
                site: s.site_code,
                status: s.status.parse().map_err(|e| corrupt("site status", e))?,
                contact: (!contact.is_empty()).then_some(contact),
            })
        })
        .collect::<QueryResult<Vec<_>>>()?;
    let patterns =
        |what: &str, s: &str| IcdPatternList::parse_list(s).map_err(|e| corrupt(what, e));
    let protocol = Protocol {
        acronym: row.acronym,
        title_da: row.title_da,
        title_en: row.title_en,
        summary_da: row.summary_da,
        summary_en: row.summary_en,
        dmcg: row.dmcg,
        other_dmcgs,
        phase: row.phase.parse().map_err(|e| corrupt("phase", e))?,
        recruitment_status: row
            .recruitment_status
            .parse()
            .map_err(|e| corrupt("recruitment status", e))?,
        evidence_generating: row.evidence_generating == 1,
        initiator: row
            .initiator
            .map(|i| i.parse().map_err(|e| corrupt("initiator", e)))
            .transpose()?,
        sponsor: row.sponsor,
        identifiers,
        contact: Contact {
            name: row.contact_name,
            email: email(row.contact_email),
            phone: row.contact_phone,
        },
        opened_on: row.opened_on,
        closes_on: row.closes_on,
        target_enrolment: row.target_enrolment.and_then(|n| u32::try_from(n).ok()),
        interventions: serde_json::from_str(&row.interventions)
            .map_err(|e| corrupt("interventions", e))?,
        keywords: serde_json::from_str(&row.keywords).map_err(|e| corrupt("keywords", e))?,
        eligibility: Eligibility {
            age_min: to_u8("age_min", e.age_min)?,
            age_max: to_u8("age_max", e.age_max)?,
            sex: e.sex.parse().map_err(|err| corrupt("sex", err))?,
            diagnoses: patterns("diagnoses", &e.diagnoses)?,
            exclude_diagnoses: patterns("exclude_diagnoses", &e.exclude_diagnoses)?,
            settings: parse_words("settings", &e.settings)?,
            stages: parse_words("stages", &e.stages)?,
            prior_lines_min: to_u8("prior_lines_min", e.prior_lines_min)?,
            prior_lines_max: to_u8("prior_lines_max", e.prior_lines_max)?,
            ecog_max: to_u8("ecog_max", e.ecog_max)?,
            biomarkers_required: required,
            biomarkers_excluded: excluded,
        },
        criteria_text_da: e.criteria_text_da,
        criteria_text_en: e.criteria_text_en,
        sites,
        demo: row.is_demo == 1,
    };
    Ok(StoredProtocol {
        id,
        slug: row.slug,
        review_status: row.review_status,
        created_at,
        updated_at: row.updated_at,
        last_confirmed_at: row.last_confirmed_at,
        protocol,
    })
}

/// One record by its slug, published or not.
pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<StoredProtocol>> {
    let id: Option<i32> = p::table
        .filter(p::slug.eq(slug))
        .select(p::id)
        .first(conn)
        .optional()?;
    match id {
        None => Ok(None),
        Some(id) => Ok(load_protocols(conn, Some(&[id]), false)?.into_iter().next()),
    }
}

/// One record by its acronym (the key an import replaces by), published or not.
pub fn find_by_acronym(
    conn: &mut DbConnection,
    acronym: &str,
) -> QueryResult<Option<StoredProtocol>> {
    let id: Option<i32> = p::table
        .filter(p::acronym.eq(acronym))
        .select(p::id)
        .first(conn)
        .optional()?;
    match id {
        None => Ok(None),
        Some(id) => Ok(load_protocols(conn, Some(&[id]), false)?.into_iter().next()),
    }
}

/// Which protocol (by acronym) already holds an identifier, if any.
pub fn identifier_holder(
    conn: &mut DbConnection,
    scheme: &str,
    value: &str,
) -> QueryResult<Option<String>> {
    pi::table
        .inner_join(p::table)
        .filter(pi::scheme.eq(scheme).and(pi::value.eq(value)))
        .select(p::acronym)
        .first(conn)
        .optional()
}

/// The acronym of the record that owns a slug, if any.
pub fn slug_holder(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<String>> {
    p::table
        .filter(p::slug.eq(slug))
        .select(p::acronym)
        .first(conn)
        .optional()
}

pub fn count_protocols(conn: &mut DbConnection) -> QueryResult<i64> {
    p::table.count().get_result(conn)
}

/// Sets the trial's recruitment status and its departments' statuses at once (these changes
/// are published without review). Bumps the registry version.
pub fn set_statuses(
    conn: &mut DbConnection,
    id: i32,
    recruitment_status: dccc_matching::RecruitmentStatus,
    sites: &[(String, dccc_matching::SiteStatus)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(p::table.find(id))
        .set((
            p::recruitment_status.eq(recruitment_status.as_str()),
            p::updated_at.eq(now),
        ))
        .execute(conn)?;
    for (site, status) in sites {
        diesel::update(ps::table.filter(ps::protocol_id.eq(id).and(ps::site_code.eq(site))))
            .set(ps::status.eq(status.as_str()))
            .execute(conn)?;
    }
    super::status_history::record(conn, id, now)?;
    super::bump_registry_version(conn)
}

/// Records that an editor confirmed the record is current.
pub fn confirm(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(p::table.find(id))
        .set(p::last_confirmed_at.eq(Some(now)))
        .execute(conn)?;
    super::bump_registry_version(conn)
}

/// A published protocol not confirmed recently: (id, slug, acronym, dmcg, last confirmed,
/// last reminded).
pub type StaleRow = (
    i32,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Published protocols whose last confirmation is older than `before` (or missing).
pub fn stale_protocols(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<Vec<StaleRow>> {
    p::table
        .filter(p::review_status.eq(PUBLISHED))
        .filter(
            p::last_confirmed_at
                .is_null()
                .or(p::last_confirmed_at.lt(before)),
        )
        .select((
            p::id,
            p::slug,
            p::acronym,
            p::dmcg,
            p::last_confirmed_at,
            p::last_reminded_at,
        ))
        .order(p::acronym)
        .load(conn)
}

pub fn set_reminded(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(p::table.find(id))
        .set(p::last_reminded_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// The id of the record with this slug.
pub fn id_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i32>> {
    p::table
        .filter(p::slug.eq(slug))
        .select(p::id)
        .first(conn)
        .optional()
}
