//! Loads the reference data files of `seed/` (compiled into the binary) into an empty database.

use anyhow::{bail, Context};
use dccc_matching::{IcdPatternList, Region, Setting};
use diesel::prelude::*;
use serde::Deserialize;

use super::reference::{DmcgRow, MunicipalityRow, PathwayRow, PostcodeRow, RegionRow, SiteRow};
use super::schema::{dmcgs, municipalities, pathways, postcodes, regions, sites};
use super::DbConnection;

const MUNICIPALITIES: &str = include_str!("../../seed/dk_municipalities.csv");
const POSTCODES: &str = include_str!("../../seed/dk_postcodes.csv");
const DMCGS: &str = include_str!("../../seed/dmcgs.csv");
const SITES: &str = include_str!("../../seed/sites.csv");
const PATHWAYS: &str = include_str!("../../seed/pathways.csv");

/// GeoNames gives these postcodes (PO boxes and special codes) wrong coordinates.
const POSTCODES_WITH_WRONG_COORDINATES: [&str; 3] = ["0900", "0960", "0999"];

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, data: &str) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::Reader::from_reader(data.as_bytes());
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.with_context(|| format!("seed/{name} line {}", i + 2)))
        .collect()
}

fn blank_to_none(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn flag(name: &str, value: &str) -> anyhow::Result<i16> {
    match value.trim() {
        "true" => Ok(1),
        "false" | "" => Ok(0),
        other => bail!("{name}: expected true or false, got {other:?}"),
    }
}

fn optional_int(value: &str) -> anyhow::Result<Option<i32>> {
    let t = value.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        Ok(Some(
            t.parse()
                .with_context(|| format!("{t:?} is not a whole number"))?,
        ))
    }
}

#[derive(Deserialize)]
struct MunicipalityCsv {
    kommunekode: String,
    kommune: String,
    regionskode: i32,
}

#[derive(Deserialize)]
struct PostcodeCsv {
    zipcode: String,
    place: String,
    state_code: String,
    community_code: String,
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
struct DmcgCsv {
    acronym: String,
    name_da: String,
    area_da: String,
    area_en: String,
    icd10: String,
    umbrella: String,
    scope: String,
}

#[derive(Deserialize)]
struct SiteCsv {
    code: String,
    hospital: String,
    department: String,
    region_code: i32,
    postcode: String,
    city: String,
    lat: f64,
    lon: f64,
    paediatric: String,
    early_phase: String,
}

#[derive(Deserialize)]
struct PathwayCsv {
    code: String,
    kind: String,
    name_da: String,
    name_en: String,
    site_code: String,
    age_min: String,
    age_max: String,
    settings: String,
    icd10: String,
    requires_exhausted: String,
    only_without_eligible: String,
}

/// Inserts all reference data in one transaction; call only on an empty database.
pub fn load_reference_data(conn: &mut DbConnection) -> anyhow::Result<()> {
    let region_rows: Vec<RegionRow> = Region::ALL
        .iter()
        .map(|r| RegionRow {
            code: r.code(),
            name_da: r.name_da().into(),
            name_en: r.name_en().into(),
        })
        .collect();
    let municipality_rows: Vec<MunicipalityRow> =
        read_csv::<MunicipalityCsv>("dk_municipalities.csv", MUNICIPALITIES)?
            .into_iter()
            .map(|m| MunicipalityRow {
                code: m.kommunekode,
                name: m.kommune,
                region_code: m.regionskode,
            })
            .collect();
    let mut postcode_rows = Vec::new();
    for (i, p) in read_csv::<PostcodeCsv>("dk_postcodes.csv", POSTCODES)?
        .into_iter()
        .enumerate()
    {
        if POSTCODES_WITH_WRONG_COORDINATES.contains(&p.zipcode.as_str()) {
            continue;
        }
        let region = Region::from_geonames_state_code(&p.state_code).with_context(|| {
            format!(
                "seed/dk_postcodes.csv line {}: unknown state_code {:?}",
                i + 2,
                p.state_code
            )
        })?;
        postcode_rows.push(PostcodeRow {
            postcode: p.zipcode,
            place: p.place,
            region_code: region.code(),
            municipality: blank_to_none(p.community_code),
            lat: p.latitude,
            lon: p.longitude,
        });
    }
    let mut dmcg_rows = Vec::new();
    for d in read_csv::<DmcgCsv>("dmcgs.csv", DMCGS)? {
        let icd = IcdPatternList::parse_list(&d.icd10)
            .with_context(|| format!("seed/dmcgs.csv {}", d.acronym))?;
        dmcg_rows.push(DmcgRow {
            acronym: d.acronym,
            name_da: d.name_da,
            area_da: d.area_da,
            area_en: d.area_en,
            icd10: icd.to_string(),
            umbrella: blank_to_none(d.umbrella),
            scope: d.scope,
            offer_standard_pct: None,
        });
    }
    let mut site_rows = Vec::new();
    for s in read_csv::<SiteCsv>("sites.csv", SITES)? {
        site_rows.push(SiteRow {
            paediatric: flag("paediatric", &s.paediatric)?,
            early_phase: flag("early_phase", &s.early_phase)?,
            code: s.code,
            hospital: s.hospital,
            department: s.department,
            region_code: s.region_code,
            postcode: s.postcode,
            city: s.city,
            lat: s.lat,
            lon: s.lon,
            // Research-unit contacts are not in the reference file: DCCC fills them in.
            research_unit: None,
            research_email: None,
            research_phone: None,
        });
    }
    let mut pathway_rows = Vec::new();
    for p in read_csv::<PathwayCsv>("pathways.csv", PATHWAYS)? {
        let context = || format!("seed/pathways.csv {}", p.code);
        for setting in p.settings.split_whitespace() {
            setting
                .parse::<Setting>()
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(context)?;
        }
        let icd = IcdPatternList::parse_list(&p.icd10).with_context(context)?;
        pathway_rows.push(PathwayRow {
            age_min: optional_int(&p.age_min).with_context(context)?,
            age_max: optional_int(&p.age_max).with_context(context)?,
            requires_exhausted: flag("requires_exhausted", &p.requires_exhausted)?,
            only_without_eligible: flag("only_without_eligible", &p.only_without_eligible)?,
            settings: p.settings.split_whitespace().collect::<Vec<_>>().join(" "),
            icd10: icd.to_string(),
            site_code: blank_to_none(p.site_code.clone()),
            code: p.code,
            kind: p.kind,
            name_da: p.name_da,
            name_en: p.name_en,
        });
    }
    crate::db::write_transaction(conn, |conn| {
        for row in &region_rows {
            diesel::insert_into(regions::table)
                .values(row)
                .execute(conn)?;
        }
        for row in &municipality_rows {
            diesel::insert_into(municipalities::table)
                .values(row)
                .execute(conn)?;
        }
        for row in &postcode_rows {
            diesel::insert_into(postcodes::table)
                .values(row)
                .execute(conn)?;
        }
        for row in &dmcg_rows {
            diesel::insert_into(dmcgs::table)
                .values(row)
                .execute(conn)?;
        }
        for row in &site_rows {
            diesel::insert_into(sites::table)
                .values(row)
                .execute(conn)?;
        }
        for row in &pathway_rows {
            diesel::insert_into(pathways::table)
                .values(row)
                .execute(conn)?;
        }
        diesel::QueryResult::Ok(())
    })?;
    Ok(())
}
