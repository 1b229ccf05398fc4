//! Validation of the interchange format into a [`Protocol`] (contract.md §1): every field is
//! checked and every error of a record is collected, each naming its JSON path.

use chrono::NaiveDate;
use dccc_matching::{
    Biomarker, BiomarkerStatus, IcdPatternList, Initiator, Phase, RecruitmentStatus, Setting,
    SexEligibility, SiteStatus, Stage,
};

use super::identifiers::{Email, EuCtNumber, EudractNumber, NctId};
use super::interchange::{
    BiomarkerDoc, ContactDoc, EligibilityDoc, FieldError, ProtocolDoc, ReferenceCodes, SiteDoc,
};
use super::messages::{quoted, Message};
use super::msg;
use super::protocol::{Contact, Eligibility, Identifiers, Protocol, ProtocolSite};
use dccc_matching::{MAX_AGE, MAX_ECOG, MAX_PRIOR_LINES};

/// Collects the errors of one record while turning its fields into domain values.
struct Checker<'a> {
    errors: Vec<FieldError>,
    codes: &'a ReferenceCodes,
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl Checker<'_> {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<Message>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn parse<T, E: Into<Message>>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| self.fail(field, e)).ok()
    }

    /// A text of at most `max` characters; line breaks and tabs allowed, other control
    /// characters not.
    fn max_len(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        if let Some(v) = &value {
            if v.chars().count() > max {
                self.fail(field, Message::new(msg::TOO_LONG).with("max", max));
            }
            if super::has_control_characters(v, true) {
                self.fail(field, msg::CONTROL_CHARACTERS);
            }
        }
        value
    }

    /// A one-line value of at most `max` characters: no line breaks, no control characters.
    fn one_line(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        if let Some(v) = &value {
            if v.chars().count() > max {
                self.fail(field, Message::new(msg::TOO_LONG).with("max", max));
            }
            if super::has_control_characters(v, false) {
                self.fail(field, msg::CONTROL_CHARACTERS);
            }
        }
        value
    }

    fn bounded(&mut self, field: &str, value: Option<i64>, min: i64, max: i64) -> Option<u8> {
        let v = value?;
        if (min..=max).contains(&v) {
            u8::try_from(v).ok()
        } else {
            self.fail(field, whole_number_range(min, max, v));
            None
        }
    }

    fn date(&mut self, field: &str, value: &Option<String>) -> Option<NaiveDate> {
        let raw = text(value)?;
        self.parse(
            field,
            NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                .map_err(|_| Message::new(msg::DATE_ISO).with("input", quoted(&raw))),
        )
    }

    fn contact(&mut self, field: &str, doc: &ContactDoc) -> Contact {
        let email =
            text(&doc.email).and_then(|e| self.parse(&format!("{field}.email"), Email::parse(&e)));
        Contact {
            name: self.one_line(&format!("{field}.name"), text(&doc.name), 200),
            email,
            phone: self.one_line(&format!("{field}.phone"), text(&doc.phone), 40),
        }
    }

    fn list<T, E: Into<Message>>(
        &mut self,
        field: &str,
        values: &[String],
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (i, raw) in values.iter().enumerate() {
            if let Some(v) = self.parse(&format!("{field}[{i}]"), parse(raw.trim())) {
                out.push(v);
            }
        }
        out
    }

    fn biomarkers(&mut self, field: &str, docs: &[BiomarkerDoc]) -> Vec<Biomarker> {
        let mut out: Vec<Biomarker> = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            let status = self.parse(
                &format!("{field}[{i}].status"),
                doc.status.parse::<BiomarkerStatus>(),
            );
            let marker = status.and_then(|s| {
                self.parse(
                    &format!("{field}[{i}].marker"),
                    Biomarker::new(&doc.marker, s),
                )
            });
            if let Some(b) = marker {
                if out.iter().any(|o| o.marker == b.marker) {
                    self.fail(
                        format!("{field}[{i}].marker"),
                        Message::new(msg::LISTED_TWICE).with("value", &b.marker),
                    );
                } else {
                    out.push(b);
                }
            }
        }
        out
    }

    fn patterns(&mut self, field: &str, values: &[String]) -> IcdPatternList {
        let mut list = Vec::new();
        for (i, raw) in values.iter().enumerate() {
            if let Some(p) = self.parse(&format!("{field}[{i}]"), raw.trim().parse()) {
                list.push(p);
            }
        }
        IcdPatternList(list)
    }

    fn eligibility(&mut self, doc: &EligibilityDoc) -> Eligibility {
        let age_min = self.bounded("eligibility.age_min", doc.age_min, 0, MAX_AGE.into());
        let age_max = self.bounded("eligibility.age_max", doc.age_max, 0, MAX_AGE.into());
        if let (Some(min), Some(max)) = (age_min, age_max) {
            if min > max {
                self.fail("eligibility.age_max", below_min("eligibility.age_min", min));
            }
        }
        let sex = match text(&doc.sex) {
            None => SexEligibility::All,
            Some(s) => self
                .parse("eligibility.sex", s.parse())
                .unwrap_or(SexEligibility::All),
        };
        let prior_lines_min = self.bounded(
            "eligibility.prior_lines_min",
            doc.prior_lines_min,
            0,
            MAX_PRIOR_LINES.into(),
        );
        let prior_lines_max = self.bounded(
            "eligibility.prior_lines_max",
            doc.prior_lines_max,
            0,
            MAX_PRIOR_LINES.into(),
        );
        if let (Some(min), Some(max)) = (prior_lines_min, prior_lines_max) {
            if min > max {
                self.fail(
                    "eligibility.prior_lines_max",
                    below_min("eligibility.prior_lines_min", min),
                );
            }
        }
        let mut settings = self.list("eligibility.settings", &doc.settings, str::parse::<Setting>);
        settings.dedup();
        let mut stages = self.list("eligibility.stages", &doc.stages, str::parse::<Stage>);
        stages.dedup();
        Eligibility {
            age_min,
            age_max,
            sex,
            diagnoses: self.patterns("eligibility.diagnoses", &doc.diagnoses),
            exclude_diagnoses: self
                .patterns("eligibility.exclude_diagnoses", &doc.exclude_diagnoses),
            settings,
            stages,
            prior_lines_min,
            prior_lines_max,
            ecog_max: self.bounded("eligibility.ecog_max", doc.ecog_max, 0, MAX_ECOG.into()),
            biomarkers_required: self
                .biomarkers("eligibility.biomarkers_required", &doc.biomarkers_required),
            biomarkers_excluded: self
                .biomarkers("eligibility.biomarkers_excluded", &doc.biomarkers_excluded),
        }
    }

    fn sites(&mut self, docs: &[SiteDoc]) -> Vec<ProtocolSite> {
        let mut out: Vec<ProtocolSite> = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            let code = doc.site.trim().to_owned();
            if !self.codes.sites.contains(&code) {
                self.fail(
                    format!("sites[{i}].site"),
                    Message::new(msg::UNKNOWN_SITE).with("input", quoted(&code)),
                );
                continue;
            }
            if out.iter().any(|s| s.site == code) {
                self.fail(
                    format!("sites[{i}].site"),
                    Message::new(msg::LISTED_TWICE).with("value", &code),
                );
                continue;
            }
            let status = self.parse(
                &format!("sites[{i}].status"),
                doc.status.trim().parse::<SiteStatus>(),
            );
            let contact = doc
                .contact
                .as_ref()
                .map(|c| self.contact(&format!("sites[{i}].contact"), c))
                .filter(|c| !c.is_empty());
            if let Some(status) = status {
                out.push(ProtocolSite {
                    site: code,
                    status,
                    contact,
                });
            }
        }
        out
    }
}

/// "must be a whole number from 0 to 4 (got 7)".
pub(crate) fn whole_number_range(min: i64, max: i64, got: impl ToString) -> Message {
    Message::new(msg::WHOLE_NUMBER_RANGE)
        .with("min", min)
        .with("max", max)
        .with("got", got)
}

/// An upper bound below the lower bound of the field at `min_path`.
fn below_min(min_path: &str, min: u8) -> Message {
    Message::new(msg::BELOW_MIN)
        .with_field("min_field", min_path)
        .with("min", min)
}

pub(crate) fn unknown_dmcg(input: &str) -> Message {
    Message::new(msg::UNKNOWN_DMCG).with("input", quoted(input))
}

impl ProtocolDoc {
    /// Validates every field (contract.md §1) and returns the record or all its errors.
    pub fn validate(&self, codes: &ReferenceCodes) -> Result<Protocol, Vec<FieldError>> {
        let mut c = Checker {
            errors: Vec::new(),
            codes,
        };
        let acronym = text(&self.acronym).unwrap_or_default();
        let len = acronym.chars().count();
        if len == 0 {
            c.fail("acronym", msg::REQUIRED);
        } else if !(2..=60).contains(&len) {
            c.fail(
                "acronym",
                Message::new(msg::LENGTH_RANGE)
                    .with("min", 2)
                    .with("max", 60)
                    .with("got", len),
            );
        } else if super::slugify(&acronym).is_empty() {
            c.fail("acronym", msg::LETTER_OR_DIGIT);
        }
        if super::has_control_characters(&acronym, false) {
            c.fail("acronym", msg::CONTROL_CHARACTERS);
        }
        let title_da = c.one_line("title_da", text(&self.title_da), 300);
        let title_en = c.one_line("title_en", text(&self.title_en), 300);
        if title_da.is_none() && title_en.is_none() {
            c.fail(
                "title_da",
                Message::new(msg::ONE_OF_REQUIRED)
                    .with_field("first_field", "title_da")
                    .with_field("second_field", "title_en"),
            );
        }
        let dmcg = text(&self.dmcg).unwrap_or_default();
        if dmcg.is_empty() {
            c.fail("dmcg", msg::REQUIRED);
        } else if !codes.dmcgs.contains(&dmcg) {
            c.fail("dmcg", unknown_dmcg(&dmcg));
        }
        let mut other_dmcgs = Vec::new();
        for (i, other) in self.other_dmcgs.iter().map(|d| d.trim()).enumerate() {
            if !codes.dmcgs.contains(other) {
                c.fail(format!("other_dmcgs[{i}]"), unknown_dmcg(other));
            } else if other != dmcg && !other_dmcgs.iter().any(|o| o == other) {
                other_dmcgs.push(other.to_owned());
            }
        }
        let phase = match text(&self.phase) {
            None => {
                c.fail("phase", msg::REQUIRED);
                None
            }
            Some(p) => c.parse("phase", p.parse::<Phase>()),
        };
        let recruitment_status = match text(&self.recruitment_status) {
            None => {
                c.fail("recruitment_status", msg::REQUIRED);
                None
            }
            Some(s) => c.parse("recruitment_status", s.parse::<RecruitmentStatus>()),
        };
        let initiator =
            text(&self.initiator).and_then(|i| c.parse("initiator", i.parse::<Initiator>()));
        let identifiers = Identifiers {
            nct: text(&self.identifiers.nct)
                .and_then(|v| c.parse("identifiers.nct", NctId::parse(&v))),
            eudract: text(&self.identifiers.eudract)
                .and_then(|v| c.parse("identifiers.eudract", EudractNumber::parse(&v))),
            eu_ct: text(&self.identifiers.eu_ct)
                .and_then(|v| c.parse("identifiers.eu_ct", EuCtNumber::parse(&v))),
        };
        let contact = c.contact("contact", &self.contact);
        if contact.email.is_none() && text(&self.contact.email).is_none() {
            c.fail("contact.email", msg::REQUIRED_TO_PUBLISH);
        }
        let opened_on = c.date("opened_on", &self.opened_on);
        let closes_on = c.date("closes_on", &self.closes_on);
        if let (Some(open), Some(close)) = (opened_on, closes_on) {
            if close < open {
                c.fail(
                    "closes_on",
                    Message::new(msg::NOT_BEFORE)
                        .with_field("other_field", "opened_on")
                        .with("date", open),
                );
            }
        }
        let target_enrolment = match self.target_enrolment {
            None => None,
            Some(n) if (0..=1_000_000).contains(&n) => u32::try_from(n).ok(),
            Some(n) => {
                c.fail("target_enrolment", whole_number_range(0, 1_000_000, n));
                None
            }
        };
        let clean_list = |values: &[String]| -> Vec<String> {
            values
                .iter()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let eligibility = c.eligibility(&self.eligibility);
        let criteria_text_da = c.max_len(
            "eligibility.criteria_text_da",
            text(&self.eligibility.criteria_text_da),
            10_000,
        );
        let criteria_text_en = c.max_len(
            "eligibility.criteria_text_en",
            text(&self.eligibility.criteria_text_en),
            10_000,
        );
        for (field, items) in [
            ("interventions", &self.interventions),
            ("keywords", &self.keywords),
        ] {
            if items
                .iter()
                .any(|item| super::has_control_characters(item.trim(), false))
            {
                c.fail(field, msg::CONTROL_CHARACTERS);
            }
        }
        let sites = c.sites(&self.sites);
        let protocol = Protocol {
            acronym,
            title_da,
            title_en,
            summary_da: c.max_len("summary_da", text(&self.summary_da), 5_000),
            summary_en: c.max_len("summary_en", text(&self.summary_en), 5_000),
            dmcg,
            other_dmcgs,
            phase: phase.unwrap_or(Phase::NotApplicable),
            recruitment_status: recruitment_status.unwrap_or(RecruitmentStatus::Planned),
            evidence_generating: self.evidence_generating.unwrap_or(false),
            initiator,
            sponsor: c.one_line("sponsor", text(&self.sponsor), 300),
            identifiers,
            contact,
            opened_on,
            closes_on,
            target_enrolment,
            interventions: clean_list(&self.interventions),
            keywords: clean_list(&self.keywords),
            eligibility,
            criteria_text_da,
            criteria_text_en,
            sites,
            demo: self.demo,
        };
        if c.errors.is_empty() {
            Ok(protocol)
        } else {
            Err(c.errors)
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
