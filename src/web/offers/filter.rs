//! The offer register's filters as typed in the list's form (`/tilbud?from=…&site=…`), checked
//! into the database's [`OfferFilter`]; a clinician's filter never leaves their departments.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::db::offers::OfferFilter;
use crate::db::users::User;
use crate::domain::messages::quoted;
use crate::domain::offers::OfferOutcome;
use crate::domain::{msg, FieldError, Message};

/// The list's query as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub site: Option<String>,
    pub dmcg: Option<String>,
    pub protocol: Option<String>,
    /// `yes` or `no`.
    pub offered: Option<String>,
    /// One of the outcomes (`pending`, `included`, ...).
    pub outcome: Option<String>,
    /// `1`: only offers awaiting an outcome (as `outcome=pending`).
    pub pending: Option<String>,
    /// A patient reference, exactly.
    pub reference: Option<String>,
}

/// A field of the query, trimmed, or `None` when empty.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl ListQuery {
    /// The outcome asked for, with `pending=1` read as `outcome=pending`.
    pub fn outcome(&self) -> Option<String> {
        given(&self.outcome)
            .or_else(|| (self.pending.as_deref() == Some("1")).then(|| "pending".to_owned()))
    }

    /// The query string of this list without the page (for the pager and the export).
    pub fn without_page(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let outcome = self.outcome();
        for (k, v) in [
            ("from", given(&self.from)),
            ("to", given(&self.to)),
            ("site", given(&self.site)),
            ("dmcg", given(&self.dmcg)),
            ("protocol", given(&self.protocol)),
            ("offered", given(&self.offered)),
            ("outcome", outcome),
            ("reference", given(&self.reference)),
        ] {
            if let Some(v) = v {
                out.append_pair(k, &v);
            }
        }
        out.finish()
    }

    /// The query as a filter for `user`, or every problem, each naming its field.
    pub fn to_filter(
        &self,
        user: &User,
        catalogue: &Catalogue,
    ) -> Result<OfferFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut date = |field: &str, v: &Option<String>| {
            let raw = given(v)?;
            match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new(
                        field,
                        Message::new(msg::DATE_ISO).with("input", quoted(&raw)),
                    ));
                    None
                }
            }
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(FieldError::new("to", msg::PERIOD_ORDER));
            }
        }
        let own = (!user.is_admin()).then(|| user.sites.clone());
        let sites = match given(&self.site) {
            None => own,
            Some(site) => {
                if catalogue.site(&site).is_none() {
                    errors.push(FieldError::new(
                        "site",
                        Message::new(msg::UNKNOWN_SITE).with("input", quoted(&site)),
                    ));
                } else if own.as_ref().is_some_and(|own| !own.contains(&site)) {
                    errors.push(FieldError::new(
                        "site",
                        Message::new(msg::OFFER_NOT_YOUR_SITE).with("site", &site),
                    ));
                }
                Some(vec![site])
            }
        };
        let dmcg = given(&self.dmcg);
        if let Some(d) = &dmcg {
            if !catalogue.dmcgs.iter().any(|x| x.acronym == *d) {
                errors.push(FieldError::new(
                    "dmcg",
                    Message::new(msg::UNKNOWN_DMCG).with("input", quoted(d)),
                ));
            }
        }
        let offered = match given(&self.offered).as_deref() {
            None => None,
            Some("yes") => Some(true),
            Some("no") => Some(false),
            Some(other) => {
                errors.push(FieldError::new(
                    "offered",
                    Message::new(msg::OFFER_YES_NO).with("input", quoted(other)),
                ));
                None
            }
        };
        let outcome = self.outcome();
        if let Some(o) = &outcome {
            if OfferOutcome::parse(o).is_none() {
                let allowed: Vec<&str> = OfferOutcome::ALL.iter().map(|o| o.as_str()).collect();
                errors.push(FieldError::new(
                    "outcome",
                    Message::new(msg::OFFER_OUTCOME)
                        .with("input", quoted(o))
                        .with("allowed", allowed.join(", ")),
                ));
            }
        }
        if errors.is_empty() {
            Ok(OfferFilter {
                sites,
                dmcg,
                from,
                to,
                protocol: given(&self.protocol),
                offered,
                outcome,
                patient_ref: given(&self.reference),
            })
        } else {
            Err(errors)
        }
    }
}
