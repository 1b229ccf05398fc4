//! The offer register as a service: who may register for which department, creating,
//! editing and annulling entries (each change in the history), bulk import, the indicator,
//! and generated demo and benchmark registers. The web pages and the command line call this.

pub mod disclosure;
pub mod generate;
pub mod import;
pub mod indicator;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use dccc_matching::Region;

use crate::catalogue::Catalogue;
use crate::db::history::Actor;
use crate::db::offers::{self, OfferRow};
use crate::db::users::{Role, User};
use crate::db::DbConnection;
use crate::domain::offers::{OfferInput, OfferReference, OfferableProtocol};
use crate::domain::{msg, FieldError};

/// Why a change to the register was refused.
#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error("invalid entry")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The reference data entries are checked against: the current snapshot, read in place.
/// `kept` is a protocol an existing entry names, valid even if it has left the registry since.
pub struct CatalogueReference<'a> {
    catalogue: &'a Catalogue,
    today: NaiveDate,
    kept: Option<OfferableProtocol>,
}

/// Decisions may be dated up to tomorrow (UTC), so a conference late in the Danish evening is
/// accepted.
pub fn reference(catalogue: &Catalogue) -> CatalogueReference<'_> {
    let today = Utc::now().date_naive();
    CatalogueReference {
        catalogue,
        today: today.succ_opt().unwrap_or(today),
        kept: None,
    }
}

impl OfferReference for CatalogueReference<'_> {
    fn has_site(&self, code: &str) -> bool {
        self.catalogue.site(code).is_some()
    }
    fn dmcg(&self, acronym: &str) -> Option<String> {
        self.catalogue.find_dmcg(acronym).map(|d| d.acronym.clone())
    }
    fn postcode_region(&self, postcode: &str) -> Option<Region> {
        self.catalogue.postcodes.get(postcode).map(|p| p.region)
    }
    fn protocol(&self, acronym_or_slug: &str) -> Option<OfferableProtocol> {
        let found = self
            .catalogue
            .find_protocol(acronym_or_slug)
            .map(|e| OfferableProtocol {
                slug: e.slug.clone(),
                acronym: e.acronym.clone(),
            });
        found.or_else(|| {
            self.kept.clone().filter(|k| {
                k.slug.eq_ignore_ascii_case(acronym_or_slug.trim())
                    || k.acronym.eq_ignore_ascii_case(acronym_or_slug.trim())
            })
        })
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

/// Clinicians register for their own departments; DCCC staff for any.
pub fn may_register(user: &User, site: &str) -> bool {
    user.is_admin() || (user.role == Role::Clinician && user.sites.iter().any(|s| s == site))
}

/// Clinicians and admins use the register at all.
pub fn uses_register(user: &User) -> bool {
    user.is_admin() || user.role == Role::Clinician
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn own_site_error() -> FieldError {
    FieldError::new("site", msg::OFFER_OWN_SITES_ONLY)
}

/// Validates and stores one decision; returns its id.
pub fn create(
    conn: &mut DbConnection,
    reference: &impl OfferReference,
    input: &OfferInput,
    user: &User,
) -> Result<i32, OfferError> {
    let record = input.validate(reference).map_err(OfferError::Invalid)?;
    if !may_register(user, &record.site_code) {
        return Err(OfferError::Invalid(vec![own_site_error()]));
    }
    let ids = crate::db::write_transaction(conn, |conn| {
        offers::insert_offers(
            conn,
            std::slice::from_ref(&record),
            &Actor::of(user),
            false,
            true,
            now(),
        )
    })?;
    ids.first().copied().ok_or(OfferError::NotFound)
}

/// The stored entry as the form shows it (the age band stands for the age, the region for
/// the postcode).
pub fn input_of(row: &OfferRow) -> OfferInput {
    OfferInput {
        decision_date: row.decision_date.to_string(),
        site: row.site_code.clone(),
        dmcg: row.dmcg.clone(),
        patient_ref: row.patient_ref.clone(),
        age: row.age_band.clone(),
        sex: row.sex.clone(),
        residence_postcode: String::new(),
        residence_region: row.residence_region.to_string(),
        mdt_level: row.mdt_level.clone(),
        offered: if row.offered == 1 { "yes" } else { "no" }.into(),
        protocol: row.protocol_slug.clone().unwrap_or_default(),
        not_offered_reason: row.not_offered_reason.clone().unwrap_or_default(),
        reason_text: row.reason_text.clone().unwrap_or_default(),
        outcome: row.outcome.clone().unwrap_or_default(),
        outcome_date: row.outcome_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

fn editable(conn: &mut DbConnection, id: i32, user: &User) -> Result<OfferRow, OfferError> {
    let row = offers::find_offer(conn, id)?.ok_or(OfferError::NotFound)?;
    if !may_register(user, &row.site_code) {
        return Err(OfferError::Forbidden);
    }
    if row.annulled == 1 {
        return Err(OfferError::Conflict(
            "Registreringen er annulleret og kan ikke ændres.".into(),
        ));
    }
    Ok(row)
}

/// Replaces an entry's fields, keeping the old values in the history.
pub fn update(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    id: i32,
    input: &OfferInput,
    user: &User,
) -> Result<(), OfferError> {
    crate::db::write_transaction(conn, |conn| {
        let row = editable(conn, id, user)?;
        let mut reference = reference(catalogue);
        if let (Some(slug), Some(acronym)) = (&row.protocol_slug, &row.protocol_acronym) {
            // An offer stays valid when its protocol has since left the registry.
            reference.kept = Some(OfferableProtocol {
                slug: slug.clone(),
                acronym: acronym.clone(),
            });
        }
        let record = input.validate(&reference).map_err(OfferError::Invalid)?;
        if !may_register(user, &record.site_code) {
            return Err(OfferError::Invalid(vec![own_site_error()]));
        }
        offers::update_offer(conn, &row, &record, &Actor::of(user), now())?;
        Ok(())
    })
}

/// Annuls an entry with a reason; it is kept, and leaves the indicator.
pub fn annul(
    conn: &mut DbConnection,
    id: i32,
    reason: &str,
    user: &User,
) -> Result<(), OfferError> {
    let reason = crate::domain::offers::annul_reason(reason)
        .map_err(|m| OfferError::Invalid(vec![FieldError::new("reason", m)]))?;
    crate::db::write_transaction(conn, |conn| {
        let row = editable(conn, id, user)?;
        offers::annul_offer(conn, &row, &reason, &Actor::of(user), now())?;
        Ok(())
    })
}
