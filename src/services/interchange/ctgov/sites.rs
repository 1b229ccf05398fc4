//! Danish locations of a study record matched to departments of the sites table: the
//! hospital by its name or city (Danish and English spellings), then the department that fits
//! the DMCG (oncology, haematology, children's, a phase 1 unit for phase 1 trials).

use serde::Serialize;
use serde_json::Value;

use crate::domain::interchange::{ContactDoc, SiteDoc};

/// What the matching needs of one department of the sites table.
#[derive(Debug, Clone)]
pub struct DepartmentRef {
    pub code: String,
    pub hospital: String,
    pub department: String,
    pub city: String,
    pub paediatric: bool,
    pub early_phase: bool,
}

/// A Danish location no department was found for, for the editor to place by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedLocation {
    pub facility: String,
    pub city: String,
    pub status: Option<String>,
}

/// Lower case with æ/ø/å and accents folded to ASCII ("København" → "kobenhavn"), other
/// characters as spaces, one space between words.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push('o'),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' => out.push('e'),
            'ü' => out.push('u'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `words` (folded) occurs in `text` (folded) as whole words.
pub fn contains_words(text: &str, words: &str) -> bool {
    let padded = format!(" {text} ");
    padded.contains(&format!(" {words} "))
}

/// English and other spellings of cities and hospitals, folded, to the folded Danish one.
const ALIASES: &[(&str, &str)] = &[
    ("copenhagen", "kobenhavn"),
    ("koebenhavn", "kobenhavn"),
    ("arhus", "aarhus"),
    ("aarhus university hospital", "aarhus universitetshospital"),
    ("odense university hospital", "odense universitetshospital"),
    (
        "aalborg university hospital",
        "aalborg universitetshospital",
    ),
    (
        "zealand university hospital",
        "sjaellands universitetshospital",
    ),
    ("herlev and gentofte hospital", "herlev hospital"),
    ("herlev gentofte hospital", "herlev hospital"),
    ("vejle hospital", "vejle sygehus"),
    ("naestved", "naestved"),
    ("goedstrup", "godstrup"),
    ("godstrup hospital", "regionshospitalet godstrup"),
    ("hospital of southern jutland", "sygehus sonderjylland"),
    ("hospital south west jutland", "sydvestjysk sygehus"),
    ("north zealand hospital", "nordsjaellands hospital"),
    ("hilleroed", "hillerod"),
    ("soenderborg", "sonderborg"),
    ("koege", "koge"),
    ("roenne", "ronne"),
    ("hjoerring", "hjorring"),
    ("nykoebing", "nykobing"),
];

fn with_aliases(text: &str) -> String {
    let mut s = format!(" {} ", fold(text));
    for (from, to) in ALIASES {
        s = s.replace(&format!(" {from} "), &format!(" {to} "));
    }
    s.trim().to_owned()
}

/// Words of a hospital's name that say which hospital it is (not "hospital", "sygehus").
fn distinctive(hospital: &str) -> Vec<String> {
    const GENERIC: [&str; 8] = [
        "hospital",
        "sygehus",
        "universitetshospital",
        "regionshospitalet",
        "regionshospital",
        "sjaellands",
        "nordjylland",
        "og",
    ];
    fold(hospital)
        .split(' ')
        .filter(|w| !GENERIC.contains(w) && w.len() > 2)
        .map(str::to_owned)
        .collect()
}

/// The name a facility gives its hospital, when it gives one: the word before "Hospital"
/// ("Hvidovre Hospital" → "hvidovre"), or a "…hospitalet"/"… Sygehus" name. Generic words
/// ("University Hospital") name none.
fn named_hospital(facility: &str) -> Option<String> {
    const GENERIC: [&str; 6] = [
        "university",
        "universitets",
        "regional",
        "general",
        "county",
        "the",
    ];
    let words: Vec<String> = fold(facility).split(' ').map(str::to_owned).collect();
    for (i, w) in words.iter().enumerate() {
        if (w == "hospital" || w == "sygehus") && i > 0 {
            let before = &words[i - 1];
            // "Univeristy" and other spellings of "university" name no hospital either.
            if !GENERIC.contains(&before.as_str())
                && !before.starts_with("univ")
                && before.len() > 2
            {
                return Some(before.clone());
            }
        }
        if w.ends_with("hospitalet") && w.len() > "hospitalet".len() && w != "regionshospitalet" {
            return Some(w.clone());
        }
    }
    None
}

/// The first word of a city as the sites table writes it ("København Ø" → "kobenhavn").
fn city_key(city: &str) -> String {
    fold(city).split(' ').next().unwrap_or_default().to_owned()
}

/// Which kind of department a DMCG's patients are treated in.
fn kind_for(dmcg: Option<&str>) -> &'static str {
    match dmcg {
        Some("ALG" | "DLG" | "DMSG" | "DaKMS" | "DCLL") => "HAEM",
        Some("DAPHO") => "BOERN",
        _ => "ONK",
    }
}

/// A location's own status, else the study's, as a department status.
fn site_status(location: &Value, study: Option<&str>) -> String {
    let own = location.get("status").and_then(Value::as_str);
    match own {
        Some("RECRUITING" | "ENROLLING_BY_INVITATION" | "AVAILABLE") => "open",
        Some("NOT_YET_RECRUITING") => "planned",
        Some("SUSPENDED" | "TEMPORARILY_NOT_AVAILABLE") => "temporarily-closed",
        Some(_) => "closed",
        None => match study {
            Some("open") => "open",
            Some("planned") => "planned",
            Some("temporarily-closed") => "temporarily-closed",
            _ => "closed",
        },
    }
    .to_owned()
}

/// Every Danish location matched to a department (each department once), and those that
/// match none.
pub fn match_locations(
    locations: &[Value],
    dmcg: Option<&str>,
    study_status: Option<&str>,
    departments: &[DepartmentRef],
) -> (Vec<SiteDoc>, Vec<UnmatchedLocation>) {
    let kind = kind_for(dmcg);
    // Each hospital once, wherever its departments stand in the table (a hospital seen twice
    // would tie with itself).
    let mut hospitals: Vec<&str> = departments.iter().map(|d| d.hospital.as_str()).collect();
    hospitals.sort_unstable();
    hospitals.dedup();
    let mut docs: Vec<SiteDoc> = Vec::new();
    let mut unmatched = Vec::new();
    for location in locations {
        let field = |k: &str| {
            location
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        if field("country") != "Denmark" {
            continue;
        }
        let facility = field("facility");
        let city = field("city");
        let place = with_aliases(&format!("{facility} {city}"));
        let city_folded = with_aliases(&city);
        // Score each hospital: its distinctive name words in the facility, its city.
        let mut best: Option<(u32, &str)> = None;
        let mut tie = false;
        for &hospital in &hospitals {
            let Some(sample) = departments.iter().find(|d| d.hospital == hospital) else {
                continue;
            };
            let name = with_aliases(hospital);
            let mut score = 0;
            if contains_words(&place, &name) {
                score += 4;
            } else if distinctive(hospital)
                .iter()
                .any(|w| contains_words(&place, w))
            {
                score += 2;
            }
            if contains_words(&city_folded, &city_key(&sample.city)) {
                score += 1;
            }
            if score == 0 {
                continue;
            }
            match best {
                Some((s, _)) if s > score => {}
                Some((s, _)) if s == score => tie = true,
                _ => {
                    best = Some((score, hospital));
                    tie = false;
                }
            }
        }
        // A facility that names a hospital the table does not have ("Hvidovre Hospital") is
        // not placed at another hospital of the same city.
        let known_name = named_hospital(&facility).is_none_or(|name| {
            let name = with_aliases(&name);
            departments
                .iter()
                .any(|d| distinctive(&d.hospital).contains(&name) || fold(&d.hospital) == name)
        });
        let chosen = best
            .filter(|_| !tie && known_name)
            .and_then(|(_, hospital)| {
                let at: Vec<&DepartmentRef> = departments
                    .iter()
                    .filter(|d| d.hospital == hospital)
                    .collect();
                at.iter()
                    .find(|d| d.code.ends_with(&format!("-{kind}")))
                    .or_else(|| at.iter().find(|d| d.code.ends_with("-ONK")))
                    .or_else(|| at.first())
                    .copied()
            });
        let status = site_status(location, study_status);
        match chosen {
            Some(department) => {
                if docs.iter().any(|d| d.site == department.code) {
                    continue;
                }
                let contact = location
                    .get("contacts")
                    .and_then(Value::as_array)
                    .and_then(|c| c.first())
                    .map(|c| ContactDoc {
                        name: c.get("name").and_then(Value::as_str).map(str::to_owned),
                        email: c.get("email").and_then(Value::as_str).map(str::to_owned),
                        phone: c.get("phone").and_then(Value::as_str).map(str::to_owned),
                    })
                    .filter(|c| c.name.is_some() || c.email.is_some() || c.phone.is_some());
                docs.push(SiteDoc {
                    site: department.code.clone(),
                    status,
                    contact,
                });
            }
            None => unmatched.push(UnmatchedLocation {
                facility,
                city,
                status: location
                    .get("status")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
        }
    }
    (docs, unmatched)
}
