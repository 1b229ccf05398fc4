//! History entries as people read them: what happened, when and by whom, and each change as
//! "Felt: gammel → ny" with the field's label and values in the page's language, never JSON.

use std::str::FromStr;

use dccc_matching::{
    BiomarkerStatus, Initiator, Phase, RecruitmentStatus, Region, Setting, Sex, SexEligibility,
    SiteStatus, Stage,
};

use crate::catalogue::Catalogue;
use crate::db::history::{Change, HistoryEntry};
use crate::domain::offers::{AgeBand, MdtLevel, NotOfferedReason, OfferOutcome};
use crate::web::i18n::Lang;

/// Longer values are cut to this many characters in a history list (a review shows them whole).
const SHORT: usize = 240;

/// One entry of a history list.
pub struct HistoryLine {
    /// The stored action and entity, for styling and tests.
    pub action: String,
    pub entity: String,
    /// `dd-mm-yyyy hh:mm` in Danish time, and the instant in UTC for `<time datetime>`.
    pub at: String,
    pub at_iso: String,
    /// What the entry is about: "Protokol dbcg-rt-1", "Registrering 3001".
    pub subject: String,
    pub href: Option<String>,
    /// What happened, in words: "offentliggjort", "status ændret".
    pub what: String,
    /// Who did it; left out where the reader may not see it.
    pub actor: Option<String>,
    pub changes: Vec<ChangeLine>,
}

/// One field's change: its label, and the old and new value as a reader says them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    /// The stored field path (`sites.AUH-ONK.status`).
    pub field: String,
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// History entries for a page. `show_actor` is false on public pages for readers without an
/// account.
pub fn lines(
    entries: &[HistoryEntry],
    lang: Lang,
    catalogue: &Catalogue,
    show_actor: bool,
) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|e| HistoryLine {
            action: e.action.clone(),
            entity: e.entity.clone(),
            at: crate::web::time::minute(e.at),
            at_iso: e.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            subject: subject(&e.entity, &e.entity_key, lang),
            href: href(&e.entity, &e.entity_key),
            what: action_words(&e.action, lang),
            actor: show_actor.then(|| actor_words(&e.actor_label, lang)),
            changes: change_lines(&e.entity, &e.changes, lang, catalogue, Some(SHORT)),
        })
        .collect()
}

/// Changes of one kind of record (`protocol`, `draft`, `offer`, `user`, or a reference table),
/// values cut to `limit` characters if given.
pub fn change_lines(
    entity: &str,
    changes: &[Change],
    lang: Lang,
    catalogue: &Catalogue,
    limit: Option<usize>,
) -> Vec<ChangeLine> {
    let cut = |v: String| match limit {
        Some(n) if v.chars().count() > n => {
            format!("{}…", v.chars().take(n).collect::<String>().trim_end())
        }
        _ => v,
    };
    // Older entries kept a created record as one value of the field "": its fields instead.
    let parse = |v: &Option<String>| {
        v.as_deref()
            .and_then(|v| serde_json::from_str(v).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let expanded: Vec<Change> = changes
        .iter()
        .flat_map(|c| {
            if c.field.is_empty() {
                crate::db::history::diff_json(&parse(&c.old), &parse(&c.new))
            } else {
                vec![c.clone()]
            }
        })
        .collect();
    expanded
        .iter()
        .map(|c| ChangeLine {
            field: c.field.clone(),
            label: field_label(entity, &c.field, lang, catalogue),
            old: c
                .old
                .as_deref()
                .map(|v| cut(value_words(&c.field, v, lang, catalogue))),
            new: c
                .new
                .as_deref()
                .map(|v| cut(value_words(&c.field, v, lang, catalogue))),
        })
        .filter(|c| c.old.as_deref().unwrap_or("") != c.new.as_deref().unwrap_or(""))
        .collect()
}

fn subject(entity: &str, key: &str, lang: Lang) -> String {
    let noun = match entity {
        "protocol" => lang.pick("Protokol", "Protocol"),
        "draft" => lang.pick("Kladde", "Draft"),
        "offer" => lang.pick("Registrering", "Entry"),
        "user" => lang.pick("Bruger", "User"),
        "dmcgs" => "DMCG",
        "sites" => lang.pick("Afdeling", "Department"),
        "pathways" => lang.pick("Henvisningsvej", "Referral pathway"),
        other => other,
    };
    format!("{noun} {key}")
}

fn href(entity: &str, key: &str) -> Option<String> {
    match entity {
        "protocol" => Some(format!("/protokoller/{key}")),
        "offer" => Some(format!("/tilbud/{key}")),
        // Only the administrators' change log lists drafts.
        "draft" => Some(format!("/admin/kladder/{key}")),
        _ => None,
    }
}

/// The stored action in words; an action this list does not know is shown as stored.
pub fn action_words(action: &str, lang: Lang) -> String {
    let (da, en) = match action {
        "created" => ("oprettet", "created"),
        "saved" => ("gemt", "saved"),
        "submitted" => ("indsendt til DCCC", "submitted to DCCC"),
        "published" => ("offentliggjort", "published"),
        "revision_published" => ("ændring offentliggjort", "revision published"),
        "returned" => ("sendt retur", "returned"),
        "revision_started" => ("ændring påbegyndt", "revision started"),
        "status_changed" => ("status ændret", "status changed"),
        "confirmed" => ("bekræftet som aktuel", "confirmed as current"),
        "imported" => ("indlæst", "imported"),
        "updated" => ("ændret", "changed"),
        "enabled" => ("aktiveret", "enabled"),
        "disabled" => ("deaktiveret", "disabled"),
        "annulled" => ("annulleret", "annulled"),
        "password_changed" => ("adgangskode skiftet", "password changed"),
        other => return other.replace('_', " "),
    };
    lang.pick(da, en).to_owned()
}

/// Who made a change: a user as stored ("Navn <e-mail>"), or a program in the reader's words.
fn actor_words(label: &str, lang: Lang) -> String {
    let command_line = lang.pick("kommandolinjen", "the command line");
    match label {
        "command line" => command_line.to_owned(),
        "demo data" => lang.pick("demodata", "demo data").to_owned(),
        other => match other.strip_suffix(" (command line)") {
            Some(source) => format!("{source} ({command_line})"),
            None => other.to_owned(),
        },
    }
}

/// A field's label in the page's language.
pub fn field_label(entity: &str, field: &str, lang: Lang, catalogue: &Catalogue) -> String {
    match entity {
        "protocol" | "draft" => protocol_field_label(field, lang, catalogue),
        "offer" => match field {
            "annulled" => lang.pick("Annulleret", "Annulled").to_owned(),
            "annul_reason" => lang.pick("Begrundelse", "Reason").to_owned(),
            "age_band" => lang.pick("Aldersgruppe", "Age band").to_owned(),
            "residence_region" => lang.pick("Bopælsregion", "Region of residence").to_owned(),
            other => crate::web::offers::form::label(lang, other).to_owned(),
        },
        "user" => {
            let (da, en) = match field {
                "email" => ("E-mail", "E-mail"),
                "display_name" => ("Navn", "Name"),
                "role" => ("Rolle", "Role"),
                "dmcgs" => ("DMCG'er", "DMCGs"),
                "sites" => ("Afdelinger", "Departments"),
                "active" => ("Aktiv", "Active"),
                "password" => ("Adgangskode", "Password"),
                other => (other, other),
            };
            lang.pick(da, en).to_owned()
        }
        table => crate::web::admin::reference_fields::table(table)
            .and_then(|t| t.fields.iter().find(|f| f.name == field))
            .map_or_else(|| field.to_owned(), |f| f.label.to_owned()),
    }
}

/// A protocol field: the editor form's label; a department by its name.
fn protocol_field_label(field: &str, lang: Lang, catalogue: &Catalogue) -> String {
    match field {
        "comment" => {
            return lang
                .pick("Kommentar fra DCCC", "Comment from DCCC")
                .to_owned()
        }
        "demo" => return lang.pick("Demodata", "Demo data").to_owned(),
        _ => {}
    }
    if let Some(rest) = field.strip_prefix("sites.") {
        let (code, part) = rest.split_once('.').unwrap_or((rest, ""));
        let name = catalogue.site(code).map_or_else(
            || code.to_owned(),
            |s| format!("{}, {}", s.hospital, s.department),
        );
        let department = format!("{} {name}", lang.pick("Afdeling", "Department"));
        return match part {
            "" => department,
            "status" => format!("{department} – {}", lang.t("col.status")),
            other => format!(
                "{department} – {}",
                crate::web::editor::form::field_label(other, lang)
            ),
        };
    }
    crate::web::editor::form::field_label(field, lang)
}

/// A stored value as the reader says it: labels for codes, `dd-mm-yyyy` for dates, "Ja"/"Nej",
/// lists joined with commas.
pub fn value_words(field: &str, value: &str, lang: Lang, catalogue: &Catalogue) -> String {
    let en = lang.is_en();
    let last = field.rsplit('.').next().unwrap_or(field);
    let label = |da: &str, en_label: &str| lang.pick(da, en_label).to_owned();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(value) {
        match json {
            serde_json::Value::Array(items) => {
                return items
                    .iter()
                    .map(|item| match item {
                        serde_json::Value::String(s) => value_words(field, s, lang, catalogue),
                        serde_json::Value::Object(o) => object_words(o, lang),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            serde_json::Value::Object(o) => return object_words(&o, lang),
            serde_json::Value::Bool(b) => return yes_no(b, lang),
            _ => {}
        }
    }
    // A vocabulary value's label, if `value` is one of its stored strings.
    macro_rules! labelled {
        ($vocabulary:ty) => {
            <$vocabulary>::from_str(value)
                .ok()
                .map(|v| label(v.label_da(), v.label_en()))
        };
    }
    let parsed = match (field, last) {
        (_, "recruitment_status") => labelled!(RecruitmentStatus),
        (f, "status") if f.starts_with("sites") => labelled!(SiteStatus),
        (_, "phase") => labelled!(Phase),
        (_, "initiator") => labelled!(Initiator),
        ("eligibility.sex", _) => labelled!(SexEligibility),
        ("eligibility.settings", _) => labelled!(Setting),
        ("eligibility.stages", _) => labelled!(Stage),
        ("sex", _) => labelled!(Sex),
        _ => None,
    };
    if let Some(words) = parsed {
        return words;
    }
    // A biomarker as the import notes keep it: "HER2 positive".
    if field.contains("biomarkers") {
        if let Some((marker, status)) = value.rsplit_once(' ') {
            if let Ok(s) = BiomarkerStatus::from_str(status) {
                return format!(
                    "{marker} {}",
                    lang.pick(s.label_da(), s.label_en()).to_lowercase()
                );
            }
        }
    }
    let offer_vocabulary = match field {
        "age_band" => AgeBand::parse(value).map(|v| v.label(en)),
        "mdt_level" => MdtLevel::parse(value).map(|v| v.label(en)),
        "not_offered_reason" => NotOfferedReason::parse(value).map(|v| v.label(en)),
        "outcome" => OfferOutcome::parse(value).map(|v| v.label(en)),
        "residence_region" | "region_code" => value
            .parse()
            .ok()
            .and_then(Region::from_code)
            .map(|r| if en { r.name_en() } else { r.name_da() }),
        "role" => match value {
            "admin" => {
                Some(lang.pick("Administrator (DCCC-sekretariatet)", "Administrator (DCCC)"))
            }
            "dmcg_editor" => Some(lang.pick("DMCG-redaktør", "DMCG editor")),
            "clinician" => Some(lang.pick("Kliniker", "Clinician")),
            _ => None,
        },
        _ => None,
    };
    if let Some(words) = offer_vocabulary {
        return words.to_owned();
    }
    match value {
        "yes" | "true" => return yes_no(true, lang),
        "no" | "false" => return yes_no(false, lang),
        "(ny)" => return label("(ny)", "(new)"),
        _ => {}
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return date.format("%d-%m-%Y").to_string();
    }
    if field == "site" {
        if let Some(s) = catalogue.site(value) {
            return format!("{value} – {}, {}", s.hospital, s.department);
        }
    }
    value.to_owned()
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b {
        lang.t("detail.yes")
    } else {
        lang.t("detail.no")
    }
}

/// A department row (its status and contact) or a biomarker (`HER2 negativ`).
fn object_words(o: &serde_json::Map<String, serde_json::Value>, lang: Lang) -> String {
    let text = |k: &str| o.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    if let Some(marker) = o.get("marker").and_then(|v| v.as_str()) {
        let status = BiomarkerStatus::from_str(text("status")).map_or_else(
            |_| text("status").to_owned(),
            |s| lang.pick(s.label_da(), s.label_en()).to_lowercase(),
        );
        return format!("{marker} {status}").trim().to_owned();
    }
    let mut parts = Vec::new();
    if let Some(site) = o.get("site").and_then(|v| v.as_str()) {
        parts.push(site.to_owned());
    }
    if let Ok(status) = SiteStatus::from_str(text("status")) {
        parts.push(lang.pick(status.label_da(), status.label_en()).to_owned());
    }
    if let Some(contact) = o.get("contact").and_then(|v| v.as_object()) {
        let details: Vec<&str> = ["name", "email", "phone"]
            .iter()
            .filter_map(|k| contact.get(*k).and_then(|v| v.as_str()))
            .collect();
        if !details.is_empty() {
            parts.push(details.join(", "));
        }
    }
    if parts.is_empty() {
        return o
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    parts.join(" – ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            field: field.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        }
    }

    /// Each change as the page prints it: "Felt: gammel → ny".
    fn said(entity: &str, c: Change, lang: Lang) -> String {
        let lines = change_lines(entity, &[c], lang, &Catalogue::default(), Some(SHORT));
        lines
            .iter()
            .map(|l| match (&l.old, &l.new) {
                (Some(o), Some(n)) => format!("{}: {o} → {n}", l.label),
                (None, Some(n)) => format!("{}: {n}", l.label),
                (Some(o), None) => format!("{}: {o} → (fjernet)", l.label),
                (None, None) => l.label.clone(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn changes_read_with_labels_and_values_in_the_pages_language() {
        use Lang::{Da, En};
        let cases: &[(&str, Change, Lang, &str)] = &[
            (
                "protocol",
                change("recruitment_status", Some("open"), Some("closed")),
                Da,
                "Rekrutteringsstatus: Åben for inklusion → Lukket for inklusion",
            ),
            (
                "protocol",
                change("recruitment_status", Some("open"), Some("closed")),
                En,
                "Recruitment status: Open for recruitment → Closed for recruitment",
            ),
            (
                "protocol",
                change("sites.AUH-ONK.status", Some("open"), Some("temporarily-closed")),
                Da,
                "Afdeling AUH-ONK – Status: Åben for inklusion → Midlertidigt lukket",
            ),
            (
                "protocol",
                change("closes_on", Some("2026-11-01"), Some("2027-01-31")),
                Da,
                "Lukker dato: 01-11-2026 → 31-01-2027",
            ),
            (
                "protocol",
                change("phase", None, Some("phase-1-phase-2")),
                En,
                "Phase: Phase 1/2",
            ),
            (
                "protocol",
                change(
                    "eligibility.settings",
                    Some(r#"["metastatic"]"#),
                    Some(r#"["metastatic","relapsed"]"#),
                ),
                Da,
                "Sygdomssituation: Metastatisk (spredning) → Metastatisk (spredning), Tilbagefald (recidiv)",
            ),
            (
                "protocol",
                change(
                    "eligibility.biomarkers_required",
                    None,
                    Some(r#"[{"marker":"HER2","status":"negative"}]"#),
                ),
                Da,
                "Krævede biomarkører: HER2 negativ",
            ),
            (
                "protocol",
                change("sites.RH-ONK", Some(r#"{"status":"open"}"#), None),
                Da,
                "Afdeling RH-ONK: Åben for inklusion → (fjernet)",
            ),
            (
                "offer",
                change("offered", Some("no"), Some("yes")),
                Da,
                "Blev patienten tilbudt deltagelse i et forsøg?: Nej → Ja",
            ),
            (
                "offer",
                change("age_band", None, Some("60-69")),
                En,
                "Age band: 60–69 years",
            ),
            (
                "offer",
                change("residence_region", None, Some("1082")),
                Da,
                "Bopælsregion: Region Midtjylland",
            ),
            (
                "user",
                change("role", Some("clinician"), Some("dmcg_editor")),
                Da,
                "Rolle: Kliniker → DMCG-redaktør",
            ),
            (
                "user",
                change("active", Some("true"), Some("false")),
                En,
                "Active: Yes → No",
            ),
        ];
        assert_eq!(
            value_words(
                "eligibility.biomarkers_required",
                "HER2 positive",
                Lang::Da,
                &Catalogue::default()
            ),
            "HER2 positiv"
        );
        assert_eq!(
            value_words("eligibility.stages", "IV", Lang::Da, &Catalogue::default()),
            "Stadie IV"
        );
        for (entity, c, lang, expected) in cases {
            assert_eq!(
                said(entity, c.clone(), *lang),
                *expected,
                "{c:?} in {lang:?}"
            );
        }
    }

    #[test]
    fn a_record_kept_as_one_value_is_shown_field_by_field_and_nothing_unchanged_is_listed() {
        let legacy = change(
            "",
            None,
            Some(r#"{"age_band":"80+","sex":"male","reason_text":null}"#),
        );
        assert_eq!(
            said("offer", legacy, Lang::Da),
            "Aldersgruppe: 80 år og derover | Køn: Mand"
        );
        // An empty list where there was none is no change.
        assert_eq!(
            said("protocol", change("keywords", None, Some("[]")), Lang::Da),
            ""
        );
    }

    #[test]
    fn long_texts_are_cut_in_a_history_list() {
        let long = "a".repeat(1000);
        let lines = change_lines(
            "protocol",
            &[change("summary_da", None, Some(&long))],
            Lang::Da,
            &Catalogue::default(),
            Some(SHORT),
        );
        let shown = lines[0].new.clone().unwrap_or_default();
        assert_eq!(shown.chars().count(), SHORT + 1, "{shown}");
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn actions_and_programs_are_named_in_words() {
        assert_eq!(
            action_words("revision_published", Lang::Da),
            "ændring offentliggjort"
        );
        assert_eq!(action_words("status_changed", Lang::En), "status changed");
        assert_eq!(actor_words("command line", Lang::Da), "kommandolinjen");
        assert_eq!(
            actor_words("ClinicalTrials.gov NCT03377387 (command line)", Lang::En),
            "ClinicalTrials.gov NCT03377387 (the command line)"
        );
        assert_eq!(
            actor_words("Ed <ed@dbcg.test>", Lang::En),
            "Ed <ed@dbcg.test>"
        );
    }
}
