//! The matching engine: a [`Snapshot`] of the open protocols, indexed by diagnosis category,
//! that judges a patient profile against them and finds the referral pathways that apply.

mod detail;
mod gate;
mod index;
mod judge;
mod pathways;
mod text;

pub(crate) use detail::Detail;

use crate::criteria::{MatchSite, Pathway, ProtocolCriteria};
use crate::geo::haversine_km;
use crate::outcome::{MatchOutcome, MatchResult, NearestSite, NoOfferReason, Verdict};
use crate::profile::PatientProfile;
use crate::vocab::{RecruitmentStatus, SiteStatus};
use gate::{Gates, PreparedProfile};
use index::CategoryIndex;
use judge::Summary;
use std::cmp::Reverse;
use std::ops::ControlFlow;
use std::sync::Arc;

/// Everything a match needs, built once whenever protocols or reference data change and then
/// shared read-only (it is `Send + Sync`; matching takes `&self`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Only protocols that can be proposed: `open` with at least one `open` site.
    protocols: Vec<Candidate>,
    sites: Vec<MatchSite>,
    pathways: Vec<Pathway>,
    index: CategoryIndex,
    /// The protocols' criteria compiled for the first, text-free judgement.
    gates: Gates,
}

/// A proposable protocol with its open sites picked out once.
#[derive(Debug, Clone)]
struct Candidate {
    /// Shared with the results, whose reasons are written from it when they are read.
    criteria: Arc<ProtocolCriteria>,
    /// Indices into the snapshot's sites, ascending, each an existing site.
    open_sites: Vec<usize>,
    /// Position in the order of acronym, then key, then input position: the last ordering
    /// keys as one number, so sorting compares no text.
    name_rank: u32,
    /// How many three-character categories the protocol's diagnoses cover (its diagnosis
    /// scope; every category when it lists none).
    scope: u32,
}

/// A protocol that survived judging and filtering, before its text is written.
struct Hit {
    protocol: usize,
    summary: Summary,
    nearest: Option<(usize, f64)>,
    name_rank: u32,
    scope: u32,
}

impl Default for Snapshot {
    /// A snapshot with nothing in it, for before the first load.
    fn default() -> Self {
        Self::build(Vec::new(), Vec::new(), Vec::new())
    }
}

impl Snapshot {
    /// Keeps the protocols that are `open` with at least one `open` site (a site index with no
    /// site behind it does not count) and indexes them by ICD-10 category.
    pub fn build(
        protocols: Vec<ProtocolCriteria>,
        sites: Vec<MatchSite>,
        pathways: Vec<Pathway>,
    ) -> Self {
        let mut protocols: Vec<Candidate> = protocols
            .into_iter()
            .filter(|criteria| criteria.recruitment_status == RecruitmentStatus::Open)
            .filter_map(|criteria| {
                let mut open_sites: Vec<usize> = criteria
                    .sites
                    .iter()
                    .filter(|&&(site, status)| status == SiteStatus::Open && site < sites.len())
                    .map(|&(site, _)| site)
                    .collect();
                open_sites.sort_unstable();
                open_sites.dedup();
                (!open_sites.is_empty()).then(|| Candidate {
                    scope: u32::try_from(index::scope(&criteria.eligibility.diagnoses))
                        .unwrap_or(u32::MAX),
                    criteria: Arc::new(criteria),
                    open_sites,
                    name_rank: 0,
                })
            })
            .collect();
        let mut by_name: Vec<usize> = (0..protocols.len()).collect();
        by_name.sort_by_key(|&index| {
            let criteria = &protocols[index].criteria;
            (&criteria.acronym, criteria.key, index)
        });
        for (rank, index) in by_name.into_iter().enumerate() {
            protocols[index].name_rank = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        // Stable, so the order stays the input order within a category.
        protocols.sort_by_cached_key(|candidate| {
            index::locality_key(&candidate.criteria.eligibility.diagnoses)
        });
        let index =
            CategoryIndex::build(protocols.iter().map(|p| &p.criteria.eligibility.diagnoses));
        let gates = Gates::build(protocols.iter().map(|p| &*p.criteria));
        Self {
            protocols,
            sites,
            pathways,
            index,
            gates,
        }
    }

    /// The protocols that can be proposed, grouped by diagnosis category (an order that may
    /// change between versions, not the order given to [`Snapshot::build`]).
    pub fn protocols(&self) -> impl ExactSizeIterator<Item = &ProtocolCriteria> + '_ {
        self.protocols.iter().map(|candidate| &*candidate.criteria)
    }

    /// How many protocols can be proposed.
    pub fn len(&self) -> usize {
        self.protocols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.protocols.is_empty()
    }

    pub fn sites(&self) -> &[MatchSite] {
        &self.sites
    }

    pub fn pathways(&self) -> &[Pathway] {
        &self.pathways
    }

    /// Judges the profile against every protocol that may cover its diagnosis (contract §2).
    ///
    /// Results are `eligible` and `possibly_eligible` protocols, and `not_eligible` ones too
    /// when `include_ineligible`; with a home and `max_km`, protocols whose nearest open site
    /// is farther are left out. The same snapshot and profile always give the same outcome.
    pub fn match_profile(
        &self,
        profile: &PatientProfile,
        include_ineligible: bool,
    ) -> MatchOutcome {
        // One distance per site, not one per protocol and site.
        let distances: Option<Vec<f64>> = profile.home.map(|home| {
            self.sites
                .iter()
                .map(|site| haversine_km(home.lat, home.lon, site.lat, site.lon))
                .collect()
        });
        let max_km = profile.home.and(profile.max_km);

        let prepared = self.gates.prepare(profile);
        let mut hits: Vec<Hit> = Vec::new();
        for protocol in self
            .index
            .candidates_for(&profile.diagnosis, self.protocols.len())
        {
            let candidate = &self.protocols[protocol];
            let criteria = &candidate.criteria;
            let Some(summary) =
                self.gates
                    .summarise(protocol, criteria, profile, &prepared, !include_ineligible)
            else {
                continue;
            };
            let nearest = distances
                .as_deref()
                .and_then(|distances| nearest_site(&candidate.open_sites, distances));
            // NaN never counts as near enough.
            if max_km.is_some_and(|max| !nearest.is_some_and(|(_, km)| km <= max)) {
                continue;
            }
            hits.push(Hit {
                protocol,
                summary,
                nearest,
                name_rank: candidate.name_rank,
                scope: candidate.scope,
            });
        }
        hits.sort_unstable_by_key(order_key);

        let any_eligible = hits
            .iter()
            .any(|hit| hit.summary.verdict == Verdict::Eligible);
        let any_offer = hits
            .iter()
            .any(|hit| hit.summary.verdict != Verdict::NotEligible);
        let pathways = self
            .pathways
            .iter()
            .filter_map(|pathway| pathways::pathway_hit(pathway, profile, any_eligible))
            .collect();
        let shown = detail::ShownDiagnosis::new(&profile.diagnosis);
        let results = hits
            .iter()
            .map(|hit| self.result(hit, profile, &prepared, &shown))
            .collect();
        MatchOutcome {
            results,
            pathways,
            no_offer_reason: (!any_offer).then_some(NoOfferReason::NoRelevantProtocol),
        }
    }

    /// The full result, texts included, of a protocol that is kept.
    fn result(
        &self,
        hit: &Hit,
        profile: &PatientProfile,
        prepared: &PreparedProfile,
        shown: &detail::ShownDiagnosis,
    ) -> MatchResult {
        let criteria = &self.protocols[hit.protocol].criteria;
        let diagnosis = self
            .gates
            .diagnosis_match(hit.protocol, criteria, profile, prepared);
        let most = 7
            + criteria.eligibility.biomarkers_required.len()
            + criteria.eligibility.biomarkers_excluded.len();
        let mut reported = Vec::with_capacity(most);
        let _ = judge::judge(criteria, profile, diagnosis, |check, outcome| {
            reported.push(detail::criterion_result(
                check, outcome, criteria, profile, shown,
            ));
            ControlFlow::Continue(())
        });
        let nearest_site = hit.nearest.map(|(site, distance_km)| NearestSite {
            site,
            code: self.sites[site].code.clone(),
            region: self.sites[site].region,
            distance_km,
        });
        let referral_needed = match (&nearest_site, profile.home) {
            (Some(nearest), Some(home)) => nearest.region != home.region,
            _ => false,
        };
        MatchResult {
            key: criteria.key,
            acronym: criteria.acronym.clone(),
            verdict: hit.summary.verdict,
            criteria: reported,
            nearest_site,
            referral_needed,
            diagnosis_match_len: hit.summary.diagnosis_match_len,
            diagnosis_scope: hit.scope as usize,
        }
    }
}

/// The contract's order: verdict (eligible first), longer diagnosis match, narrower diagnosis
/// scope (a one-disease trial before a basket or an all-cancer one), fewer unknowns, shorter
/// distance (none last), acronym; then the caller's key and input position, so the order is
/// total.
fn order_key(hit: &Hit) -> (Verdict, Reverse<usize>, u32, usize, bool, u64, u32) {
    let summary = &hit.summary;
    let distance = hit.nearest.map_or(0, |(_, km)| total_order_bits(km));
    (
        summary.verdict,
        Reverse(summary.diagnosis_match_len),
        hit.scope,
        summary.unknowns,
        hit.nearest.is_none(),
        distance,
        hit.name_rank,
    )
}

/// A number that orders like [`f64::total_cmp`] orders the float.
fn total_order_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The nearest of a protocol's open sites, the lower index on a tie.
fn nearest_site(open_sites: &[usize], distances: &[f64]) -> Option<(usize, f64)> {
    open_sites
        .iter()
        .map(|&site| (site, distances[site]))
        .min_by(|(a_site, a_km), (b_site, b_km)| a_km.total_cmp(b_km).then(a_site.cmp(b_site)))
}

#[cfg(test)]
mod tests;
