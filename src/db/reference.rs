//! Reference data (regions, municipalities, postcodes, DMCGs, departments, pathways): rows,
//! queries, and loading the files in `seed/` into an empty database.

use diesel::prelude::*;
use serde::Serialize;

use super::schema::{dmcgs, municipalities, pathways, postcodes, regions, sites};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Insertable, Serialize)]
#[diesel(table_name = regions)]
pub struct RegionRow {
    pub code: i32,
    pub name_da: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = municipalities)]
pub struct MunicipalityRow {
    pub code: String,
    pub name: String,
    pub region_code: i32,
}

#[derive(Debug, Clone, Queryable, Insertable, Serialize, serde::Deserialize)]
#[diesel(table_name = postcodes)]
pub struct PostcodeRow {
    pub postcode: String,
    pub place: String,
    pub region_code: i32,
    pub municipality: Option<String>,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Serialize, serde::Deserialize)]
#[diesel(table_name = dmcgs, treat_none_as_null = true)]
pub struct DmcgRow {
    pub acronym: String,
    pub name_da: String,
    pub area_da: String,
    pub area_en: String,
    pub icd10: String,
    pub umbrella: Option<String>,
    pub scope: String,
    /// The DMCG's standard for the share of patients offered a trial, in percent.
    pub offer_standard_pct: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Serialize, serde::Deserialize)]
#[diesel(table_name = sites, treat_none_as_null = true)]
pub struct SiteRow {
    pub code: String,
    pub hospital: String,
    pub department: String,
    pub region_code: i32,
    pub postcode: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
    pub paediatric: i16,
    pub early_phase: i16,
    /// The department's research unit, where known.
    pub research_unit: Option<String>,
    pub research_email: Option<String>,
    pub research_phone: Option<String>,
}

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Serialize, serde::Deserialize)]
#[diesel(table_name = pathways, treat_none_as_null = true)]
pub struct PathwayRow {
    pub code: String,
    pub kind: String,
    pub name_da: String,
    pub name_en: String,
    pub site_code: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub settings: String,
    pub icd10: String,
    pub requires_exhausted: i16,
    pub only_without_eligible: i16,
}

pub fn list_regions(conn: &mut DbConnection) -> QueryResult<Vec<RegionRow>> {
    regions::table.order(regions::code).load(conn)
}

pub fn list_dmcgs(conn: &mut DbConnection) -> QueryResult<Vec<DmcgRow>> {
    dmcgs::table.order(dmcgs::acronym).load(conn)
}

pub fn list_sites(conn: &mut DbConnection) -> QueryResult<Vec<SiteRow>> {
    sites::table.order(sites::code).load(conn)
}

pub fn list_pathways(conn: &mut DbConnection) -> QueryResult<Vec<PathwayRow>> {
    pathways::table.order(pathways::code).load(conn)
}

pub fn list_postcodes(conn: &mut DbConnection) -> QueryResult<Vec<PostcodeRow>> {
    postcodes::table.order(postcodes::postcode).load(conn)
}

/// True when reference data has been loaded (the regions table is filled first).
pub fn is_seeded(conn: &mut DbConnection) -> QueryResult<bool> {
    let n: i64 = regions::table.count().get_result(conn)?;
    Ok(n > 0)
}

/// Inserts or replaces a DMCG (by acronym). Bumps the registry version: lists show DMCGs.
pub fn save_dmcg(conn: &mut DbConnection, row: &DmcgRow, exists: bool) -> QueryResult<()> {
    if exists {
        diesel::update(dmcgs::table.find(&row.acronym))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(dmcgs::table)
            .values(row)
            .execute(conn)?;
    }
    super::bump_registry_version(conn)
}

/// Inserts or replaces a department (by code). Bumps the registry version.
pub fn save_site(conn: &mut DbConnection, row: &SiteRow, exists: bool) -> QueryResult<()> {
    if exists {
        diesel::update(sites::table.find(&row.code))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(sites::table)
            .values(row)
            .execute(conn)?;
    }
    super::bump_registry_version(conn)
}

/// Inserts or replaces a referral pathway (by code). Bumps the registry version.
pub fn save_pathway(conn: &mut DbConnection, row: &PathwayRow, exists: bool) -> QueryResult<()> {
    if exists {
        diesel::update(pathways::table.find(&row.code))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(pathways::table)
            .values(row)
            .execute(conn)?;
    }
    super::bump_registry_version(conn)
}

pub fn postcode_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    Ok(postcodes::table
        .find(code)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Gives every DMCG without a standard for the share offered this one (demo data).
pub fn set_default_standards(conn: &mut DbConnection, pct: i32) -> QueryResult<()> {
    diesel::update(dmcgs::table.filter(dmcgs::offer_standard_pct.is_null()))
        .set(dmcgs::offer_standard_pct.eq(Some(pct)))
        .execute(conn)?;
    super::bump_registry_version(conn)
}
