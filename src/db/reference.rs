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

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = postcodes)]
pub struct PostcodeRow {
    pub postcode: String,
    pub place: String,
    pub region_code: i32,
    pub municipality: Option<String>,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = dmcgs)]
pub struct DmcgRow {
    pub acronym: String,
    pub name_da: String,
    pub area_da: String,
    pub area_en: String,
    pub icd10: String,
    pub umbrella: Option<String>,
    pub scope: String,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sites)]
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
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = pathways)]
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
