//! The editable reference tables (DMCGs, departments, pathways) described field by field, so
//! one form and one handler serve all three; each value is checked as it is parsed.

use std::collections::BTreeMap;

use dccc_matching::{IcdPatternList, Region, Setting};

use crate::db::reference::{DmcgRow, PathwayRow, SiteRow};
use crate::domain::{msg, Email, FieldError, Message, Postcode};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Text,
    OptText,
    Icd,
    Region,
    Postcode,
    Float(f64, f64),
    OptInt(i32, i32),
    Bool,
    Settings,
    OptSite,
    OptEmail,
    OptPhone,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

impl Field {
    pub fn is_bool(&self) -> bool {
        self.kind == Kind::Bool
    }
    pub fn hint(&self) -> &'static str {
        match self.kind {
            Kind::Icd => "ICD-10-koder og intervaller adskilt med mellemrum, fx C18-C20 C50",
            Kind::Region => "1081, 1082, 1083, 1084 eller 1085",
            Kind::Settings => {
                "Sygdomssituationer adskilt med mellemrum, fx relapsed refractory (tom = alle)"
            }
            Kind::OptSite => "Afdelingskode, fx RH-NMBK (kan være tom)",
            Kind::OptEmail => "Fx forskning.onkologi@regionh.dk (kan være tom)",
            Kind::OptPhone => "Fx +45 35 45 35 45 (kan være tom)",
            _ => "",
        }
    }
}

const fn f(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field { name, label, kind }
}

/// A reference table: its path segment, key field, and fields.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub slug: &'static str,
    pub title: &'static str,
    pub key: &'static str,
    pub fields: &'static [Field],
}

pub const DMCGS: Table = Table {
    slug: "dmcgs",
    title: "DMCG'er",
    key: "acronym",
    fields: &[
        f("acronym", "Akronym", Kind::Text),
        f("name_da", "Navn", Kind::Text),
        f("area_da", "Område (dansk)", Kind::Text),
        f("area_en", "Område (engelsk)", Kind::Text),
        f("icd10", "ICD-10", Kind::Icd),
        f("umbrella", "Paraplygruppe", Kind::OptText),
        f(
            "scope",
            "Afgrænsning (site, age, cross-cutting)",
            Kind::Text,
        ),
        f(
            "offer_standard_pct",
            "Standard for andel tilbudt forsøg (%)",
            Kind::OptInt(1, 100),
        ),
    ],
};

pub const SITES: Table = Table {
    slug: "sites",
    title: "Afdelinger",
    key: "code",
    fields: &[
        f("code", "Kode", Kind::Text),
        f("hospital", "Hospital", Kind::Text),
        f("department", "Afdeling", Kind::Text),
        f("region_code", "Region", Kind::Region),
        f("postcode", "Postnummer", Kind::Postcode),
        f("city", "By", Kind::Text),
        f("lat", "Breddegrad", Kind::Float(54.0, 58.0)),
        f("lon", "Længdegrad", Kind::Float(7.5, 15.5)),
        f("paediatric", "Børneonkologi", Kind::Bool),
        f("early_phase", "Tidlig fase (fase 1)", Kind::Bool),
        f("research_unit", "Forskningsenhed", Kind::OptText),
        f(
            "research_email",
            "Forskningsenhedens e-mail",
            Kind::OptEmail,
        ),
        f(
            "research_phone",
            "Forskningsenhedens telefon",
            Kind::OptPhone,
        ),
    ],
};

pub const PATHWAYS: Table = Table {
    slug: "pathways",
    title: "Henvisningsveje",
    key: "code",
    fields: &[
        f("code", "Kode", Kind::Text),
        f("kind", "Type (fx national_mdt, phase1_unit)", Kind::Text),
        f("name_da", "Navn (dansk)", Kind::Text),
        f("name_en", "Navn (engelsk)", Kind::Text),
        f("site_code", "Afdeling", Kind::OptSite),
        f("age_min", "Alder fra", Kind::OptInt(0, 120)),
        f("age_max", "Alder til", Kind::OptInt(0, 120)),
        f("settings", "Sygdomssituationer", Kind::Settings),
        f("icd10", "ICD-10", Kind::Icd),
        f(
            "requires_exhausted",
            "Kræver udtømte standardmuligheder",
            Kind::Bool,
        ),
        f(
            "only_without_eligible",
            "Kun når ingen protokol passer",
            Kind::Bool,
        ),
    ],
};

pub fn table(slug: &str) -> Option<Table> {
    [DMCGS, SITES, PATHWAYS]
        .into_iter()
        .find(|t| t.slug == slug)
}

pub type Values = BTreeMap<String, String>;

fn flag(v: i16) -> String {
    if v == 1 {
        "true".into()
    } else {
        String::new()
    }
}

pub fn dmcg_values(r: &DmcgRow) -> Values {
    [
        ("acronym", r.acronym.clone()),
        ("name_da", r.name_da.clone()),
        ("area_da", r.area_da.clone()),
        ("area_en", r.area_en.clone()),
        ("icd10", r.icd10.clone()),
        ("umbrella", r.umbrella.clone().unwrap_or_default()),
        ("scope", r.scope.clone()),
        (
            "offer_standard_pct",
            r.offer_standard_pct
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn site_values(r: &SiteRow) -> Values {
    [
        ("code", r.code.clone()),
        ("hospital", r.hospital.clone()),
        ("department", r.department.clone()),
        ("region_code", r.region_code.to_string()),
        ("postcode", r.postcode.clone()),
        ("city", r.city.clone()),
        ("lat", r.lat.to_string()),
        ("lon", r.lon.to_string()),
        ("paediatric", flag(r.paediatric)),
        ("early_phase", flag(r.early_phase)),
        ("research_unit", r.research_unit.clone().unwrap_or_default()),
        (
            "research_email",
            r.research_email.clone().unwrap_or_default(),
        ),
        (
            "research_phone",
            r.research_phone.clone().unwrap_or_default(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn pathway_values(r: &PathwayRow) -> Values {
    [
        ("code", r.code.clone()),
        ("kind", r.kind.clone()),
        ("name_da", r.name_da.clone()),
        ("name_en", r.name_en.clone()),
        ("site_code", r.site_code.clone().unwrap_or_default()),
        (
            "age_min",
            r.age_min.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            "age_max",
            r.age_max.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("settings", r.settings.clone()),
        ("icd10", r.icd10.clone()),
        ("requires_exhausted", flag(r.requires_exhausted)),
        ("only_without_eligible", flag(r.only_without_eligible)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Parsed values by field, with every error found; `known_sites` checks site references.
pub struct Parsed<'a> {
    values: &'a Values,
    pub errors: Vec<FieldError>,
    known_sites: &'a [String],
}

impl<'a> Parsed<'a> {
    pub fn new(values: &'a Values, known_sites: &'a [String]) -> Self {
        Self {
            values,
            errors: Vec::new(),
            known_sites,
        }
    }
    fn raw(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |v| v.trim())
    }
    fn fail(&mut self, name: &str, message: impl Into<Message>) {
        self.errors.push(FieldError::new(name, message));
    }
    pub fn text(&mut self, name: &str) -> String {
        let v = self.raw(name).to_owned();
        if v.is_empty() {
            self.fail(name, msg::REQUIRED);
        } else if v.chars().count() > 300 {
            self.fail(name, Message::new(msg::TOO_LONG).with("max", 300));
        }
        v
    }
    pub fn opt_text(&mut self, name: &str) -> Option<String> {
        Some(self.raw(name).to_owned()).filter(|v| !v.is_empty())
    }
    pub fn icd(&mut self, name: &str) -> String {
        match IcdPatternList::parse_list(self.raw(name)) {
            Ok(list) => list.to_string(),
            Err(e) => {
                self.fail(name, e);
                String::new()
            }
        }
    }
    pub fn region(&mut self, name: &str) -> i32 {
        match self
            .raw(name)
            .parse::<i32>()
            .ok()
            .and_then(Region::from_code)
        {
            Some(r) => r.code(),
            None => {
                self.fail(
                    name,
                    Message::untranslated("skal være en regionskode: 1081–1085"),
                );
                0
            }
        }
    }
    pub fn postcode(&mut self, name: &str) -> String {
        match Postcode::parse(self.raw(name)) {
            Ok(p) => p.as_str().to_owned(),
            Err(m) => {
                self.fail(name, m);
                String::new()
            }
        }
    }
    pub fn float(&mut self, name: &str, min: f64, max: f64) -> f64 {
        match self.raw(name).replace(',', ".").parse::<f64>() {
            Ok(v) if (min..=max).contains(&v) => v,
            _ => {
                self.fail(name, format!("skal være et tal mellem {min} og {max}"));
                0.0
            }
        }
    }
    pub fn opt_int(&mut self, name: &str, min: i32, max: i32) -> Option<i32> {
        let raw = self.raw(name);
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i32>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                self.fail(name, format!("skal være et helt tal fra {min} til {max}"));
                None
            }
        }
    }
    pub fn flag(&mut self, name: &str) -> i16 {
        i16::from(self.raw(name) == "true")
    }
    pub fn settings(&mut self, name: &str) -> String {
        let words: Vec<String> = self
            .raw(name)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        for w in &words {
            if w.parse::<Setting>().is_err() {
                self.fail(name, format!("{w:?} er ikke en sygdomssituation"));
            }
        }
        words.join(" ")
    }
    pub fn opt_email(&mut self, name: &str) -> Option<String> {
        let v = self.opt_text(name)?;
        match Email::parse(&v) {
            Ok(email) => Some(email.as_str().to_owned()),
            Err(e) => {
                self.fail(name, e);
                Some(v)
            }
        }
    }
    /// A telephone number as people write one: digits, spaces, `+`, `-` and parentheses, with
    /// eight to fifteen digits.
    pub fn opt_phone(&mut self, name: &str) -> Option<String> {
        let v = self.opt_text(name)?;
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let allowed = v
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
        if !allowed || !(8..=15).contains(&digits) {
            self.fail(
                name,
                Message::untranslated("er ikke et telefonnummer (8 til 15 cifre)"),
            );
        }
        Some(v)
    }
    pub fn opt_site(&mut self, name: &str) -> Option<String> {
        let v = self.opt_text(name)?;
        if !self.known_sites.contains(&v) {
            self.fail(name, format!("{v:?} er ikke en afdelingskode"));
        }
        Some(v)
    }

    pub fn dmcg(&mut self) -> DmcgRow {
        DmcgRow {
            acronym: self.text("acronym"),
            name_da: self.text("name_da"),
            area_da: self.text("area_da"),
            area_en: self.text("area_en"),
            icd10: self.icd("icd10"),
            umbrella: self.opt_text("umbrella"),
            scope: self.text("scope"),
            offer_standard_pct: self.opt_int("offer_standard_pct", 1, 100),
        }
    }
    pub fn site(&mut self) -> SiteRow {
        SiteRow {
            code: self.text("code"),
            hospital: self.text("hospital"),
            department: self.text("department"),
            region_code: self.region("region_code"),
            postcode: self.postcode("postcode"),
            city: self.text("city"),
            lat: self.float("lat", 54.0, 58.0),
            lon: self.float("lon", 7.5, 15.5),
            paediatric: self.flag("paediatric"),
            early_phase: self.flag("early_phase"),
            research_unit: self.opt_text("research_unit"),
            research_email: self.opt_email("research_email"),
            research_phone: self.opt_phone("research_phone"),
        }
    }
    pub fn pathway(&mut self) -> PathwayRow {
        let row = PathwayRow {
            code: self.text("code"),
            kind: self.text("kind"),
            name_da: self.text("name_da"),
            name_en: self.text("name_en"),
            site_code: self.opt_site("site_code"),
            age_min: self.opt_int("age_min", 0, 120),
            age_max: self.opt_int("age_max", 0, 120),
            settings: self.settings("settings"),
            icd10: self.icd("icd10"),
            requires_exhausted: self.flag("requires_exhausted"),
            only_without_eligible: self.flag("only_without_eligible"),
        };
        if let (Some(min), Some(max)) = (row.age_min, row.age_max) {
            if min > max {
                self.fail(
                    "age_max",
                    Message::untranslated("må ikke være under alder fra"),
                );
            }
        }
        row
    }
}
