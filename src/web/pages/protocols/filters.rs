//! The filter form of the list page: its options, and the user's values kept as typed.

use dccc_matching::{Phase, RecruitmentStatus, Region};

use crate::catalogue::Catalogue;
use crate::web::i18n::Lang;

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The form's state: option lists with the user's selections, and free-text values as typed.
#[derive(Debug, Clone)]
pub struct FilterForm {
    pub q: String,
    pub dmcgs: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub sites: Vec<Choice>,
    pub phases: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub paediatric: Vec<Choice>,
    pub sexes: Vec<Choice>,
    pub age: String,
    pub postcode: String,
    pub max_km: String,
    /// The list's order as asked for (no control of its own: kept when the filters change).
    pub sort: String,
    /// The parameter with an error and its message, shown next to that field.
    pub error_field: String,
    /// The field's label in the page's language.
    pub error_label: String,
    pub error: String,
}

/// A query parameter named as the page's form labels it ("Postnummer" for `postcode`); a
/// parameter the form has no field for keeps its name, as the address shows it.
pub fn param_label(param: &str, lang: Lang) -> String {
    let key = match param {
        "q" => "filter.q",
        "dmcg" => "filter.dmcg",
        "region" => "filter.region",
        "site" => "filter.site",
        "phase" => "filter.phase",
        "status" => "filter.status",
        "paediatric" => "filter.who",
        "age" => "filter.age",
        "sex" => "filter.sex",
        "postcode" => "home.postcode",
        "max_km" => "home.max_km",
        "sort" => "filter.sort",
        "page" | "per_page" => "list.pages",
        _ => return param.to_owned(),
    };
    lang.t(key)
}

impl FilterForm {
    pub fn new(pairs: &[(String, String)], catalogue: &Catalogue, lang: Lang) -> Self {
        let values = |name: &str| -> Vec<&str> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let first = |name: &str| {
            values(name)
                .first()
                .map(|v| (*v).to_owned())
                .unwrap_or_default()
        };
        let choices = |name: &str, options: Vec<(String, String)>| -> Vec<Choice> {
            let chosen = values(name);
            options
                .into_iter()
                .map(|(value, label)| Choice {
                    selected: chosen.contains(&value.as_str()),
                    value,
                    label,
                })
                .collect()
        };
        let en = lang.is_en();
        let mut statuses = vec![("open".to_owned(), lang.t("filter.status_open"))];
        statuses.extend(
            RecruitmentStatus::ALL
                .iter()
                .filter(|s| **s != RecruitmentStatus::Open)
                .map(|s| {
                    (
                        s.as_str().to_owned(),
                        if en { s.label_en() } else { s.label_da() }.to_owned(),
                    )
                }),
        );
        statuses.push(("all".to_owned(), lang.t("filter.status_all")));
        let mut form = Self {
            q: first("q"),
            dmcgs: choices(
                "dmcg",
                catalogue
                    .dmcgs
                    .iter()
                    .map(|d| {
                        (
                            d.acronym.clone(),
                            format!(
                                "{} – {}",
                                d.acronym,
                                if en { &d.area_en } else { &d.area_da }
                            ),
                        )
                    })
                    .collect(),
            ),
            regions: choices(
                "region",
                Region::ALL
                    .iter()
                    .map(|r| {
                        (
                            r.code().to_string(),
                            lang.pick(r.name_da(), r.name_en()).to_owned(),
                        )
                    })
                    .collect(),
            ),
            sites: choices(
                "site",
                catalogue
                    .sites
                    .iter()
                    .map(|s| {
                        (
                            s.code.clone(),
                            format!("{}, {} ({})", s.hospital, s.department, s.city),
                        )
                    })
                    .collect(),
            ),
            phases: choices(
                "phase",
                Phase::ALL
                    .iter()
                    .map(|p| {
                        (
                            p.as_str().to_owned(),
                            if en { p.label_en() } else { p.label_da() }.to_owned(),
                        )
                    })
                    .collect(),
            ),
            statuses: choices("status", statuses),
            paediatric: choices(
                "paediatric",
                vec![
                    ("true".to_owned(), lang.t("filter.children")),
                    ("false".to_owned(), lang.t("filter.adults")),
                ],
            ),
            sexes: choices(
                "sex",
                vec![
                    ("female".to_owned(), lang.t("filter.female")),
                    ("male".to_owned(), lang.t("filter.male")),
                ],
            ),
            age: first("age"),
            postcode: first("postcode"),
            max_km: first("max_km"),
            sort: first("sort"),
            error_field: String::new(),
            error_label: String::new(),
            error: String::new(),
        };
        // With no status chosen the list shows open protocols, and the form should say so.
        if !form.statuses.iter().any(|c| c.selected) {
            if let Some(open) = form.statuses.first_mut() {
                open.selected = true;
            }
        }
        form
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.error_field == field
    }
}
