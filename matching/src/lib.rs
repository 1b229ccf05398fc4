//! Pure matching for the DCCC protocol registry: ICD-10 codes and patterns, the controlled
//! vocabularies of the interchange format, Danish geography, and the engine that matches a
//! patient profile to open protocols and referral pathways. No I/O lives here.
//!
//! # Matching
//!
//! The app builds a [`Snapshot`] from its protocols ([`ProtocolCriteria`], with sites as
//! indices into a list of [`MatchSite`]s) and the referral [`Pathway`]s whenever they change,
//! then calls [`Snapshot::match_profile`] with a validated [`PatientProfile`] for each request.
//! The snapshot keeps only protocols that are `open` with at least one `open` site and indexes
//! them by ICD-10 category, so a match judges only the protocols that may cover the diagnosis.
//! The [`MatchOutcome`] serializes as contract §2 describes (the app adds each protocol's
//! slug, title and URL from [`MatchResult::key`]).
//!
//! A profile's [`Diagnosis`] is one ICD-10 code, or the group of codes a patient's lay term
//! stands for ("lungekræft" is C33–C34): a protocol's `diagnosis` criterion is then met when one
//! of its patterns lies inside the group or covers it and no excluded pattern covers the whole
//! group. Results are ordered by verdict, longer diagnosis match, narrower diagnosis scope
//! ([`MatchResult::diagnosis_scope`], so a trial for one disease comes before a basket or an
//! all-cancer trial), fewer unknowns, distance and acronym.
//!
//! A match first sorts out candidates with a compiled, text-free form of each protocol's
//! criteria; the Danish and English reasons of the results it returns are written only when
//! read ([`CriterionResult::detail_da`]) or serialized. The benchmark
//! (`cargo bench -p dccc-matching --bench match`) times matches and snapshot builds on
//! generated registries of 1,000 to 100,000 open protocols.
//!
//! ```
//! use dccc_matching::{
//!     Biomarker, BiomarkerStatus, Diagnosis, Eligibility, Home, IcdPatternList, MatchSite,
//!     Outcome, Pathway, PatientProfile, ProtocolCriteria, Region, Setting, Sex, SexEligibility,
//!     SiteStatus, Snapshot, Stage, Verdict,
//! };
//!
//! let sites = vec![
//!     MatchSite { code: "RH-ONK".into(), region: Region::Hovedstaden, lat: 55.6963, lon: 12.5663 },
//!     MatchSite { code: "RH-NMBK".into(), region: Region::Hovedstaden, lat: 55.6963, lon: 12.5663 },
//! ];
//! let breast = ProtocolCriteria {
//!     eligibility: Eligibility {
//!         age_min: Some(18),
//!         sex: SexEligibility::Female,
//!         diagnoses: "C50".parse()?,
//!         settings: vec![Setting::Adjuvant],
//!         stages: vec![Stage::I, Stage::II],
//!         ecog_max: Some(2),
//!         biomarkers_required: vec![Biomarker::new("HER2", BiomarkerStatus::Negative)?],
//!         ..Eligibility::default()
//!     },
//!     sites: vec![(0, SiteStatus::Open)],
//!     ..ProtocolCriteria::open(42, "DBCG RT-EXAMPLE")
//! };
//! let nmbk = Pathway {
//!     code: "NMBK".into(),
//!     kind: "paediatric_phase12".into(),
//!     name_da: "Ny Medicin til Børn med Kræft".into(),
//!     name_en: "New Medicine for Children with Cancer".into(),
//!     site: Some(1),
//!     age_min: Some(0),
//!     age_max: Some(17),
//!     settings: vec![Setting::Relapsed, Setting::Refractory],
//!     icd10: IcdPatternList::default(),
//!     requires_exhausted: false,
//!     only_without_eligible: false,
//! };
//! let snapshot = Snapshot::build(vec![breast], sites, vec![nmbk]);
//!
//! // A woman of 67 from Aarhus (postcode 8000) after surgery for breast cancer.
//! let woman = PatientProfile {
//!     sex: Some(Sex::Female),
//!     setting: Some(Setting::Adjuvant),
//!     stage: Some(Stage::II),
//!     ecog: Some(1),
//!     biomarkers: vec![Biomarker::new("HER2", BiomarkerStatus::Negative)?],
//!     home: Some(Home { lat: 56.1567, lon: 10.2108, region: Region::Midtjylland }),
//!     ..PatientProfile::new(67, "DC509".parse()?)
//! };
//! let outcome = snapshot.match_profile(&woman, false);
//! let result = &outcome.results[0];
//! assert_eq!(result.key, 42);
//! assert_eq!(result.verdict, Verdict::Eligible);
//! assert_eq!(result.criteria[0].detail_da(), "Alder 67 er mindst 18 år");
//! let nearest = result.nearest_site.as_ref().expect("a home gives a nearest site");
//! assert_eq!(nearest.code, "RH-ONK");
//! assert!(result.referral_needed, "Copenhagen is outside Region Midtjylland");
//! assert!(outcome.pathways.is_empty());
//! assert_eq!(outcome.no_offer_reason, None);
//!
//! // A boy of 9 whose leukaemia has relapsed: no protocol, but the national unit.
//! let boy = PatientProfile {
//!     setting: Some(Setting::Relapsed),
//!     ..PatientProfile::new(9, "DC910".parse()?)
//! };
//! let outcome = snapshot.match_profile(&boy, false);
//! assert!(outcome.results.is_empty());
//! assert_eq!(outcome.pathways[0].code, "NMBK");
//! assert_eq!(outcome.pathways[0].site, Some(1));
//! assert_eq!(
//!     serde_json::to_value(&outcome)?["no_offer_reason"],
//!     "no_relevant_protocol"
//! );
//!
//! // A woman who says "brystkræft": the group C50 reaches the trial for C50.
//! let lay = PatientProfile {
//!     sex: Some(Sex::Female),
//!     ..PatientProfile::with_diagnosis(58, Diagnosis::Group("C50".parse()?))
//! };
//! let outcome = snapshot.match_profile(&lay, false);
//! assert_eq!(outcome.results[0].outcome_of("diagnosis"), Some(Outcome::Met));
//! assert_eq!(outcome.results[0].diagnosis_scope, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod criteria;
pub mod diagnosis;
pub mod engine;
pub mod geo;
pub mod icd;
pub mod outcome;
pub mod profile;
pub mod vocab;

#[cfg(test)]
mod serde_capture;

pub use criteria::{Eligibility, MatchSite, Pathway, ProtocolCriteria};
pub use diagnosis::Diagnosis;
pub use engine::Snapshot;
pub use geo::{haversine_km, Region};
pub use icd::{IcdCode, IcdError, IcdPattern, IcdPatternList};
pub use outcome::{
    CriterionResult, MatchOutcome, MatchResult, NearestSite, NoOfferReason, Outcome, PathwayHit,
    Verdict,
};
pub use profile::{Home, PatientProfile, ProfileError, MAX_AGE, MAX_ECOG, MAX_PRIOR_LINES};
pub use vocab::*;
